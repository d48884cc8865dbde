using SbirLab.Engine.Projection;

namespace SbirLab.Engine.Tests.Projection;

public class TsneTests
{
    private static readonly double[][] ThreeCentres =
    [
        [10, 0, 0, 0, 0, 0, 0, 0, 0, 0],
        [0, 10, 0, 0, 0, 0, 0, 0, 0, 0],
        [0, 0, 10, 0, 0, 0, 0, 0, 0, 0],
    ];

    [Theory]
    [InlineData(TsneInitialization.Random)]
    [InlineData(TsneInitialization.Pca)]
    public void ThreeSeparatedBlobsStaySeparatedInTheMap(TsneInitialization initialization)
    {
        // Centres are 10·√2 ≈ 14 apart; within a blob σ = 1 per axis, so in 10-D the input neighbours all agree.
        var (points, labels) = Blobs.Gaussian(ThreeCentres, perBlob: 50, sigma: 1, seed: 1);
        Assert.Equal(1.0, Blobs.NearestNeighbourAgreement(points, labels));

        var map = Tsne.Project(points, new TsneOptions { Iterations = 500, Initialization = initialization, Seed = 3 });

        Assert.Equal(150, map.Length);
        Assert.All(map, p => Assert.Equal(2, p.Length));
        Assert.True(Blobs.NearestNeighbourAgreement(map, labels) >= 0.95);
        Assert.True(BlobsAreFartherApartThanTheyAreWide(map, labels));
    }

    [Fact]
    public void SameSeedGivesIdenticalMapsAndAnotherSeedDoesNot()
    {
        var (points, _) = Blobs.Gaussian(ThreeCentres, perBlob: 20, sigma: 1, seed: 2);
        var options = new TsneOptions { Iterations = 100, Seed = 5 };
        var first = Tsne.Project(points, options);
        var again = Tsne.Project(points, options);
        var other = Tsne.Project(points, options with { Seed = 6 });
        Assert.Equal(first, again);
        Assert.NotEqual(first, other);
    }

    [Fact]
    public void DefaultRunOn150PointsReportsEveryFiftyIterationsAndLowersKl()
    {
        var (points, _) = Blobs.Gaussian(ThreeCentres, perBlob: 50, sigma: 1, seed: 4);
        var reports = new List<(int Iteration, double Kl)>();

        Tsne.Project(points, new TsneOptions { Progress = (i, kl) => reports.Add((i, kl)) }); // its time: the evaluation benchmark

        Assert.Equal(Enumerable.Range(1, 20).Select(k => 50 * k), reports.Select(r => r.Iteration));
        Assert.All(reports, r => Assert.True(r.Kl >= 0));
        // After exaggeration ends (iteration 250) the optimiser descends KL itself, so it must not rise much.
        Assert.True(reports[^1].Kl < reports[5].Kl, $"KL at 300: {reports[5].Kl}, at 1000: {reports[^1].Kl}");
    }

    [Fact]
    public void BisectionMatchesThePerplexity()
    {
        // exp(H(P_i)) is the perplexity the bisection aims at; check it for every row of a random set.
        var (points, _) = Blobs.Gaussian(ThreeCentres, perBlob: 30, sigma: 2, seed: 6);
        foreach (double perplexity in new[] { 5.0, 30.0 })
        {
            for (int i = 0; i < points.Length; i += 7)
            {
                var distances = points.Select((q, j) => j == i ? 0 : points[i].Zip(q, (a, b) => (double)(a - b) * (a - b)).Sum()).ToArray();
                var row = new double[points.Length];
                Tsne.CalibrateRow(distances, i, perplexity, row);
                double entropy = -row.Where(v => v > 0).Sum(v => v * Math.Log(v));
                Assert.Equal(0, row[i]);
                Assert.Equal(1, row.Sum(), 9);
                Assert.Equal(perplexity, Math.Exp(entropy), 3);
            }
        }
    }

    [Fact]
    public void JointProbabilitiesAreSymmetricAndSumToOne()
    {
        var (points, _) = Blobs.Gaussian(ThreeCentres, perBlob: 10, sigma: 1, seed: 7);
        var p = Tsne.JointProbabilities(points, 5);
        int n = points.Length;
        Assert.Equal(1, p.Sum(), 9);
        for (int i = 0; i < n; i++)
        {
            Assert.Equal(0, p[i * n + i]);
            for (int j = 0; j < n; j++)
            {
                Assert.Equal(p[i * n + j], p[j * n + i]);
            }
        }
    }

    [Fact]
    public void GradientMatchesFiniteDifferencesOfKl()
    {
        var (points, _) = Blobs.Gaussian(ThreeCentres, perBlob: 4, sigma: 1, seed: 8);
        int n = points.Length;
        var p = Tsne.JointProbabilities(points, 3);
        var random = new Random(9);
        var y = Enumerable.Range(0, n * 2).Select(_ => Blobs.StandardNormal(random)).ToArray();
        var gradient = new double[n * 2];
        Tsne.Gradient(p, y, n, 2, 1, gradient, withCrossEntropy: false);

        const double h = 1e-6;
        for (int k = 0; k < y.Length; k++)
        {
            double saved = y[k];
            y[k] = saved + h;
            double up = Tsne.KlDivergence(p, y, n, 2);
            y[k] = saved - h;
            double down = Tsne.KlDivergence(p, y, n, 2);
            y[k] = saved;
            Assert.Equal((up - down) / (2 * h), gradient[k], 6);
        }
    }

    [Fact]
    public void TinyAndInvalidInputs()
    {
        Assert.Empty(Tsne.Project([]));
        Assert.Equal([[0f, 0f]], Tsne.Project([[1, 2, 3]]));
        var pair = Tsne.Project([[0, 0], [1, 1]], new TsneOptions { Iterations = 50 });
        Assert.NotEqual(pair[0], pair[1]);
        Assert.Throws<ArgumentException>(() => Tsne.Project([[1, 2], [1]]));
        Assert.Throws<ArgumentException>(() => Tsne.Project(new float[Tsne.MaxPoints + 1][]));
        Assert.Throws<ArgumentOutOfRangeException>(() => Tsne.Project([[1f]], new TsneOptions { Perplexity = 0 }));
    }

    /// <summary>Every blob's mean distance to its own centroid is below half the distance between any two centroids.</summary>
    private static bool BlobsAreFartherApartThanTheyAreWide(float[][] map, int[] labels)
    {
        var groups = labels.Distinct().Select(l => map.Where((_, i) => labels[i] == l).ToArray()).ToArray();
        var centroids = groups.Select(g => new[] { g.Average(p => p[0]), g.Average(p => p[1]) }).ToArray();
        double widest = groups.Select((g, b) => g.Average(p => Distance(p, centroids[b]))).Max();
        double closest = centroids.SelectMany((a, i) => centroids.Skip(i + 1).Select(b => Distance(a, b))).Min();
        return widest < closest / 2;
    }

    private static double Distance(float[] a, float[] b) => Math.Sqrt(a.Zip(b, (x, y) => (double)(x - y) * (x - y)).Sum());
}
