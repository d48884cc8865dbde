using SbirLab.Core.Configs;
using SbirLab.Engine.Indexing;

namespace SbirLab.Engine.Tests.Indexing;

public class ExactIndexTests
{
    [Theory]
    [InlineData(DistanceMetric.SquaredL2)]
    [InlineData(DistanceMetric.InnerProduct)]
    public void SearchReturnsTheSameOrderAsSortingAllDistances(DistanceMetric metric)
    {
        var data = RandomVectors.Gaussian(300, 24, seed: 1, normalise: true);
        var index = new ExactIndex(24, metric);
        Assert.Equal(0, index.AddRange(data));
        foreach (var query in RandomVectors.Gaussian(20, 24, seed: 2, normalise: true))
        {
            var expected = data
                .Select((v, id) => (Id: id, Distance: metric == DistanceMetric.SquaredL2
                    ? v.Zip(query, (x, y) => (double)(x - y) * (x - y)).Sum()
                    : 1 - v.Zip(query, (x, y) => (double)x * y).Sum()))
                .OrderBy(p => p.Distance).Take(10).ToArray();
            var hits = index.Search(query, 10);
            Assert.Equal(expected.Select(p => p.Id), hits.Select(h => h.Id));
            Assert.All(hits.Zip(expected), pair => Assert.Equal(pair.Second.Distance, pair.First.Distance, 1e-4));
        }
    }

    [Fact]
    public void EmptyIndexAndLargeKReturnWhatThereIs()
    {
        var index = new ExactIndex(4);
        Assert.Empty(index.Search(new float[4], 5));
        index.Add([0, 0, 0, 3]);
        index.Add([0, 0, 0, 1]);
        index.Add([0, 0, 0, 2]);
        var hits = index.Search(new float[4], 10);
        // Squared distances from the origin: 9, 1, 4 → ids 1, 2, 0.
        Assert.Equal([new SearchHit(1, 1), new SearchHit(2, 4), new SearchHit(0, 9)], hits);
    }

    [Fact]
    public void TiesAreBrokenByIdAndWrongDimensionsThrow()
    {
        var index = new ExactIndex(2);
        for (int i = 0; i < 5; i++)
        {
            index.Add([1, 1]);
        }

        Assert.Equal([0, 1, 2], index.Search([0, 0], 3).Select(h => h.Id));
        Assert.Throws<ArgumentException>(() => index.Add([1, 2, 3]));
        Assert.Throws<ArgumentException>(() => index.Search([1], 1));
        Assert.Throws<ArgumentOutOfRangeException>(() => index.Search([1, 1], 0));
    }

    [Fact]
    public void FactoryCreatesTheIndexOfEachKind()
    {
        Assert.IsType<ExactIndex>(VectorIndex.Create(IndexKind.Exact, 8));
        var hnsw = Assert.IsType<HnswIndex>(VectorIndex.Create(IndexKind.Hnsw, 8, new HnswOptions { M = 8, Metric = DistanceMetric.InnerProduct }));
        Assert.Equal(8, hnsw.Options.M);
        Assert.Equal(DistanceMetric.InnerProduct, VectorIndex.Create(IndexKind.Exact, 8, hnsw.Options).Metric);
    }
}
