using SbirLab.Engine.Evaluation;
using TorchSharp;
using static SbirLab.Engine.Tests.Evaluation.EvaluationData;

namespace SbirLab.Engine.Tests.Evaluation;

/// <summary>Distances and exact top-k search against loops over double arrays.</summary>
public class ExactSearchTests
{
    [Fact]
    public void SquaredEuclideanMatchesTheLoop()
    {
        var random = new Random(1);
        var queries = Gaussian(9, 5, random);
        var gallery = Gaussian(13, 5, random);
        using var q = ToTensor(queries);
        using var g = ToTensor(gallery);

        using var distances = Distances.SquaredEuclidean(q, g);

        var values = distances.data<double>().ToArray();
        for (var i = 0; i < 9; i++)
        {
            for (var j = 0; j < 13; j++)
            {
                Assert.Equal(BruteForceRetrieval.SquaredDistance(queries[i], gallery[j]), values[(i * 13) + j], 1e-12);
            }
        }
    }

    [Fact]
    public void SquaredEuclideanOfAPointWithItselfIsNeverNegative()
    {
        // Large float32 vectors: ‖x‖² + ‖x‖² − 2·x·x rounds to small values of either sign; the clamp keeps them ≥ 0.
        using var points = torch.randn(200, 64, generator: new torch.Generator(3)) * 1000;

        using var distances = Distances.SquaredEuclidean(points, points);

        Assert.True(distances.diagonal().min().item<float>() >= 0);
    }

    [Theory]
    [InlineData(1, true)]
    [InlineData(7, true)]
    [InlineData(120, true)]
    [InlineData(1, false)]
    [InlineData(7, false)]
    [InlineData(120, false)]
    public void TopKEqualsTheFullStableSortWithTiesAndExclusions(int k, bool withTies)
    {
        // Integer coordinates give many equal distances (also at the k-th place, where the partial selection may pick
        // any of them); Gaussian ones almost never do. Every third query excludes one gallery item.
        var random = new Random(2);
        var queries = withTies ? SmallIntegers(30, 2, 3, random) : Gaussian(30, 2, random);
        var gallery = withTies ? SmallIntegers(121, 2, 3, random) : Gaussian(121, 2, random);
        var excluded = Enumerable.Range(0, 30).Select(i => i % 3 == 0 ? (long)(i * 4) : -1).ToArray();
        // Integer coordinates are exact in float32; Gaussian ones are compared in float64.
        var dtype = withTies ? torch.ScalarType.Float32 : torch.ScalarType.Float64;
        using var q = ToTensor(queries, dtype);
        using var g = ToTensor(gallery, dtype);

        var (indices, distances) = ExactSearch.TopK(q, g, k, excluded, queryBlockSize: 8);
        using (indices)
        using (distances)
        {
            Assert.Equal([30L, k], indices.shape);
            var found = indices.data<long>().ToArray();
            var foundDistances = distances.to_type(torch.ScalarType.Float64).data<double>().ToArray();
            for (var i = 0; i < 30; i++)
            {
                var expected = BruteForceRetrieval.Ranking(queries[i], gallery, excluded[i]).Take(k).ToArray();
                Assert.Equal(expected.Select(e => (long)e), found.Skip(i * k).Take(k));
                var expectedDistances = expected.Select(e => BruteForceRetrieval.SquaredDistance(queries[i], gallery[e])).ToArray();
                Assert.All(
                    expectedDistances.Zip(foundDistances.Skip(i * k).Take(k)),
                    pair => Assert.Equal(pair.First, pair.Second, 1e-12));
            }
        }
    }

    [Fact]
    public void KBeyondTheShortestListIsRejected()
    {
        using var q = ToTensor(OnLine(0));
        using var g = ToTensor(OnLine(1, 2, 3));

        Assert.Throws<ArgumentOutOfRangeException>(() => ExactSearch.TopK(q, g, 3, excludeGalleryIndexPerQuery: [1]));
    }
}
