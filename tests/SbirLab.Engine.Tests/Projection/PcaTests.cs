using SbirLab.Engine.Projection;

namespace SbirLab.Engine.Tests.Projection;

public class PcaTests
{
    [Fact]
    public void PointsOnALineInThreeDimensionsRecoverTheLine()
    {
        // x = t·(1, 2, 2)/3 + (5, −1, 0): all variance lies along u = (1, 2, 2)/3, so the first ratio is 1.
        var direction = new[] { 1 / 3.0, 2 / 3.0, 2 / 3.0 };
        var data = Enumerable.Range(-10, 21)
            .Select(t => new[] { (float)(5 + t * direction[0]), (float)(-1 + t * direction[1]), (float)(t * direction[2]) }).ToArray();

        var result = Pca.Project(data, 1);

        AssertParallel(direction, result.Components[0]);
        Assert.Equal(1.0, result.ExplainedVarianceRatios[0], 6);
        Assert.Equal([5.0, -1.0, 0.0], result.Mean.Select(m => Math.Round(m, 5)));
        // The coordinate along the line is t (up to sign): the sample variance of t = −10..10 is 2·Σt²/20 = 770/20 = 38.5.
        Assert.Equal(38.5, result.Points.Sum(p => p[0] * (double)p[0]) / 20, 3);
    }

    [Fact]
    public void PlaneWithKnownAxesInFiftyDimensionsGivesAxesAndVarianceRatios()
    {
        // Coordinates a ~ N(0, 3²) along e1' and b ~ N(0, 1) along e2', plus tiny isotropic noise σ = 0.01 in all 50 dims.
        // Expected ratios: 9 / (9 + 1 + 50·0.0001) ≈ 0.8996 and 1 / 10.005 ≈ 0.0999 (sampling error of a few per cent).
        const int dims = 50;
        var random = new Random(3);
        var first = UnitVector(dims, random);
        var second = Orthogonalised(UnitVector(dims, random), first);
        var data = Enumerable.Range(0, 2000).Select(_ =>
        {
            double a = 3 * Blobs.StandardNormal(random), b = Blobs.StandardNormal(random);
            return Enumerable.Range(0, dims).Select(d => (float)(a * first[d] + b * second[d] + 0.01 * Blobs.StandardNormal(random))).ToArray();
        }).ToArray();

        var result = Pca.Project(data);

        AssertParallel(first, result.Components[0], tolerance: 1e-2);
        AssertParallel(second, result.Components[1], tolerance: 1e-2);
        Assert.InRange(result.ExplainedVarianceRatios[0], 0.87, 0.93);
        Assert.InRange(result.ExplainedVarianceRatios[1], 0.08, 0.12);
        // What the two components miss is the noise off the plane: 48·0.0001 / 10.005 ≈ 0.0005.
        Assert.InRange(result.ExplainedVarianceRatios.Sum(), 0.999, 1.0);
    }

    [Fact]
    public void SubspaceIterationMatchesJacobiOnTheSameCovariance()
    {
        // 64-D rows are diagonalised by Jacobi; the same rows padded with 16 zero columns (80-D) go through subspace
        // iteration. Padding only adds zero eigenvalues, so the leading ratios and directions must agree.
        var random = new Random(5);
        var scales = Enumerable.Range(0, 64).Select(d => 1.0 / (1 + d)).ToArray();
        var small = Enumerable.Range(0, 500)
            .Select(_ => scales.Select(s => (float)(s * Blobs.StandardNormal(random))).ToArray()).ToArray();
        var padded = small.Select(row => row.Concat(new float[16]).ToArray()).ToArray();

        var jacobi = Pca.Project(small, 3);
        var subspace = Pca.Project(padded, 3);

        for (int c = 0; c < 3; c++)
        {
            Assert.Equal(jacobi.ExplainedVarianceRatios[c], subspace.ExplainedVarianceRatios[c], 8);
            AssertParallel(jacobi.Components[c], subspace.Components[c].Take(64).ToArray(), tolerance: 1e-6);
            Assert.All(subspace.Components[c].Skip(64), v => Assert.Equal(0, v, 9));
        }
    }

    [Fact]
    public void OutputIsCentredAndUncorrelatedAndComponentsAreOrthonormal()
    {
        var random = new Random(9);
        var data = Enumerable.Range(0, 300)
            .Select(_ => Enumerable.Range(0, 100).Select(d => (float)(10 + (d % 7 + 1) * Blobs.StandardNormal(random))).ToArray()).ToArray();

        var result = Pca.Project(data, 3);

        for (int c = 0; c < 3; c++)
        {
            Assert.Equal(0, result.Points.Average(p => (double)p[c]), 4);
            for (int other = 0; other < 3; other++)
            {
                double dot = result.Components[c].Zip(result.Components[other], (a, b) => a * b).Sum();
                Assert.Equal(c == other ? 1 : 0, dot, 8);
            }
        }

        double covariance01 = result.Points.Sum(p => (double)p[0] * p[1]) / 299;
        double variance0 = result.Points.Sum(p => (double)p[0] * p[0]) / 299;
        Assert.True(Math.Abs(covariance01) < 1e-4 * variance0);
        Assert.True(result.ExplainedVarianceRatios[0] >= result.ExplainedVarianceRatios[1]);
    }

    [Fact]
    public void ConstantDataHasZeroVarianceRatiosAndBadInputThrows()
    {
        var constant = Enumerable.Repeat(new float[] { 1, 2, 3 }, 10).ToArray();
        var result = Pca.Project(constant);
        Assert.Equal([0.0, 0.0], result.ExplainedVarianceRatios);
        Assert.All(result.Points, p => Assert.Equal([0f, 0f], p));

        Assert.Throws<ArgumentException>(() => Pca.Project([]));
        Assert.Throws<ArgumentException>(() => Pca.Project([[1, 2], [1]]));
        Assert.Throws<ArgumentOutOfRangeException>(() => Pca.Project([[1, 2]], 3));
    }

    private static void AssertParallel(double[] expected, double[] actual, double tolerance = 1e-6)
    {
        double dot = expected.Zip(actual, (a, b) => a * b).Sum();
        Assert.Equal(1.0, Math.Abs(dot), tolerance);
    }

    private static double[] UnitVector(int dims, Random random)
    {
        var v = Enumerable.Range(0, dims).Select(_ => Blobs.StandardNormal(random)).ToArray();
        double norm = Math.Sqrt(v.Sum(x => x * x));
        return v.Select(x => x / norm).ToArray();
    }

    private static double[] Orthogonalised(double[] v, double[] against)
    {
        double dot = v.Zip(against, (a, b) => a * b).Sum();
        var w = v.Zip(against, (a, b) => a - dot * b).ToArray();
        double norm = Math.Sqrt(w.Sum(x => x * x));
        return w.Select(x => x / norm).ToArray();
    }
}
