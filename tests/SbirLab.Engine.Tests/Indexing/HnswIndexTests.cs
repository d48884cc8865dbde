using SbirLab.Engine.Indexing;

namespace SbirLab.Engine.Tests.Indexing;

/// <summary>5,000 random 32-D Gaussian vectors indexed once with default options, plus the exact index.</summary>
public sealed class RandomGalleryFixture
{
    public const int Dimension = 32;

    public RandomGalleryFixture()
    {
        Data = RandomVectors.Gaussian(5000, Dimension, seed: 11);
        Queries = RandomVectors.Gaussian(200, Dimension, seed: 12);
        Hnsw = new HnswIndex(Dimension, new HnswOptions { Seed = 7 });
        Hnsw.AddRange(Data);
        Exact = new ExactIndex(Dimension);
        Exact.AddRange(Data);
    }

    public float[][] Data { get; }

    public float[][] Queries { get; }

    public HnswIndex Hnsw { get; }

    public ExactIndex Exact { get; }
}

public class HnswIndexTests(RandomGalleryFixture gallery) : IClassFixture<RandomGalleryFixture>
{
    [Fact]
    public void RecallAt10IsAtLeast95PercentWithEf64()
    {
        double recall = RandomVectors.RecallAtK(gallery.Exact, gallery.Queries, 10, q => gallery.Hnsw.Search(q, 10, ef: 64));
        Assert.True(recall >= 0.95, $"recall@10 = {recall:F3}");
    }

    [Fact]
    public void LargerEfNeverLosesRecallOnAverage()
    {
        double narrow = RandomVectors.RecallAtK(gallery.Exact, gallery.Queries, 10, q => gallery.Hnsw.Search(q, 10, ef: 10));
        double wide = RandomVectors.RecallAtK(gallery.Exact, gallery.Queries, 10, q => gallery.Hnsw.Search(q, 10, ef: 200));
        Assert.True(wide >= narrow, $"ef=10: {narrow:F3}, ef=200: {wide:F3}");
        Assert.True(wide >= 0.99, $"ef=200: {wide:F3}");
    }

    [Fact]
    public void ResultsAreSortedAndCarryTheTrueDistances()
    {
        foreach (var query in gallery.Queries.Take(50))
        {
            var hits = gallery.Hnsw.Search(query, 10, ef: 32);
            Assert.Equal(10, hits.Length);
            Assert.Equal(10, hits.Select(h => h.Id).Distinct().Count());
            Assert.True(hits.Zip(hits.Skip(1)).All(p => p.First.Distance <= p.Second.Distance));
            Assert.All(hits, h => Assert.Equal(VectorDistance.SquaredL2(query, gallery.Data[h.Id]), h.Distance));
        }
    }

    [Fact]
    public void StoredVectorIsFoundAsItsOwnNearestNeighbour()
    {
        for (int id = 0; id < gallery.Data.Length; id += 97)
        {
            var best = gallery.Hnsw.Search(gallery.Data[id], 1, ef: 32)[0];
            Assert.Equal(new SearchHit(id, 0f), best);
        }
    }

    [Fact]
    public void LinkListsRespectTheDegreeBoundsAndPointUpward() => AssertGraphInvariants(gallery.Hnsw);

    [Fact]
    public void LevelsFollowTheGeometricLawOfMultiplierOneOverLnM()
    {
        // P(level ≥ ℓ) = P(−ln u / ln M ≥ ℓ) = P(u ≤ M^−ℓ) = M^−ℓ. With M = 16 and N = 5000, about 5000/16 = 312.5 nodes
        // reach layer 1 (binomial s.d. √(5000·(1/16)·(15/16)) ≈ 17) and about 5000/256 ≈ 19.5 reach layer 2 (s.d. ≈ 4.4).
        var levels = Enumerable.Range(0, gallery.Hnsw.Count).Select(gallery.Hnsw.LevelOf).ToArray();
        Assert.InRange(levels.Count(l => l >= 1), 312.5 - 5 * 17, 312.5 + 5 * 17);
        Assert.InRange(levels.Count(l => l >= 2), 19.5 - 5 * 4.4, 19.5 + 5 * 4.4);
        Assert.Equal(levels.Max(), gallery.Hnsw.MaxLevel);
    }

    [Fact]
    public void SaveLoadRoundTripGivesIdenticalResultsAndBytes()
    {
        using var saved = new MemoryStream();
        gallery.Hnsw.Save(saved);
        saved.Position = 0;
        var loaded = HnswIndex.Load(saved);

        Assert.Equal(gallery.Hnsw.Options, loaded.Options);
        Assert.Equal(gallery.Hnsw.Count, loaded.Count);
        foreach (var query in gallery.Queries)
        {
            Assert.Equal(gallery.Hnsw.Search(query, 10, ef: 40), loaded.Search(query, 10, ef: 40));
        }

        using var resaved = new MemoryStream();
        loaded.Save(resaved);
        Assert.Equal(saved.ToArray(), resaved.ToArray());
    }

    [Fact]
    public void SaveToFileAndLoadBack()
    {
        string path = Path.Combine(Path.GetTempPath(), $"hnsw-{Guid.NewGuid():N}.hnsw");
        try
        {
            var index = Build(RandomVectors.Gaussian(100, 8, seed: 3), new HnswOptions { M = 4 });
            index.Save(path);
            var loaded = HnswIndex.Load(path);
            var query = RandomVectors.Gaussian(1, 8, seed: 4)[0];
            Assert.Equal(index.Search(query, 5), loaded.Search(query, 5));
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public void SameSeedBuildsTheSameGraphAndAnotherSeedDoesNot()
    {
        var data = RandomVectors.Gaussian(400, 16, seed: 5);
        byte[] first = Bytes(Build(data, new HnswOptions { M = 8, Seed = 1 }));
        byte[] again = Bytes(Build(data, new HnswOptions { M = 8, Seed = 1 }));
        byte[] other = Bytes(Build(data, new HnswOptions { M = 8, Seed = 2 }));
        Assert.Equal(first, again);
        Assert.NotEqual(first, other);
    }

    [Fact]
    public void AddingAfterLoadContinuesExactlyAsAnUninterruptedBuild()
    {
        var data = RandomVectors.Gaussian(500, 16, seed: 6);
        var options = new HnswOptions { M = 8, EfConstruction = 50 };
        var whole = Build(data, options);

        using var stream = new MemoryStream(Bytes(Build(data[..300], options)));
        var resumed = HnswIndex.Load(stream);
        Assert.Equal(300, resumed.AddRange(data[300..]));

        Assert.Equal(Bytes(whole), Bytes(resumed));
    }

    [Fact]
    public void EmptyIndexSearchesToNothingAndRoundTrips()
    {
        var empty = new HnswIndex(8);
        Assert.Empty(empty.Search(new float[8], 10));
        Assert.Equal(-1, empty.MaxLevel);
        using var stream = new MemoryStream(Bytes(empty));
        var loaded = HnswIndex.Load(stream);
        Assert.Equal(0, loaded.Count);
        Assert.Equal(0, loaded.Add(new float[8]));
        Assert.Equal([new SearchHit(0, 0f)], loaded.Search(new float[8], 3));
    }

    [Fact]
    public void KLargerThanCountReturnsEveryVectorInExactOrder()
    {
        var data = RandomVectors.Gaussian(20, 6, seed: 8);
        var hnsw = Build(data, new HnswOptions { M = 4 });
        var exact = new ExactIndex(6);
        exact.AddRange(data);
        var query = RandomVectors.Gaussian(1, 6, seed: 9)[0];
        Assert.Equal(exact.Search(query, 50), hnsw.Search(query, 50, ef: 1));
    }

    [Fact]
    public void ParallelBuildKeepsRecallAndGraphInvariants()
    {
        // 1,000 nodes go in sequentially, the other 1,000 on four threads under per-node locks.
        var data = RandomVectors.Gaussian(2000, 16, seed: 14);
        var hnsw = new HnswIndex(16, new HnswOptions { EfConstruction = 100 });
        Assert.Equal(0, hnsw.AddRange(data, degreeOfParallelism: 4));
        var exact = new ExactIndex(16);
        exact.AddRange(data);

        double recall = RandomVectors.RecallAtK(exact, RandomVectors.Gaussian(100, 16, seed: 15), 10, q => hnsw.Search(q, 10, ef: 64));

        Assert.True(recall >= 0.95, $"recall@10 = {recall:F3}");
        Assert.Equal(2000, hnsw.Count);
        Assert.Equal(data, Enumerable.Range(0, 2000).Select(id => hnsw.GetVector(id).ToArray()));
        AssertGraphInvariants(hnsw);
    }

    [Fact]
    public void InnerProductRecallOnUnitVectors()
    {
        var data = RandomVectors.Gaussian(2000, 16, seed: 10, normalise: true);
        var queries = RandomVectors.Gaussian(100, 16, seed: 13, normalise: true);
        var options = new HnswOptions { Metric = DistanceMetric.InnerProduct, EfConstruction = 100 };
        var hnsw = Build(data, options);
        var exact = new ExactIndex(16, DistanceMetric.InnerProduct);
        exact.AddRange(data);
        double recall = RandomVectors.RecallAtK(exact, queries, 10, q => hnsw.Search(q, 10, ef: 64));
        Assert.True(recall >= 0.95, $"recall@10 = {recall:F3}");
        Assert.All(hnsw.Search(queries[0], 5), h => Assert.Equal(1 - VectorDistance.Dot(queries[0], data[h.Id]), h.Distance, 1e-6));
    }

    [Fact]
    public void BadInputIsRejected()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => new HnswIndex(8, new HnswOptions { M = 1 }));
        var index = Build(RandomVectors.Gaussian(10, 8, seed: 1), new HnswOptions());
        Assert.Throws<ArgumentException>(() => index.Add(new float[7]));
        Assert.Throws<ArgumentException>(() => index.Search(new float[9], 1));
        Assert.Throws<ArgumentOutOfRangeException>(() => index.Search(new float[8], 0));
    }

    [Fact]
    public void CorruptFilesAreRejected()
    {
        byte[] good = Bytes(Build(RandomVectors.Gaussian(50, 8, seed: 1), new HnswOptions { M = 4 }));
        byte[] badMagic = (byte[])good.Clone();
        badMagic[0] ^= 0xFF;
        byte[] badVersion = (byte[])good.Clone();
        badVersion[8] = 99;

        Assert.Throws<InvalidDataException>(() => HnswIndex.Load(new MemoryStream(badMagic)));
        Assert.Throws<InvalidDataException>(() => HnswIndex.Load(new MemoryStream(badVersion)));
        Assert.Throws<InvalidDataException>(() => HnswIndex.Load(new MemoryStream(good[..(good.Length - 3)])));
    }

    /// <summary>
    /// At most 2M links on layer 0 and M above, no self-links or duplicates, every link to a node that reaches the
    /// layer, and no node without links unless it is alone on its layer; the top level is the highest node level.
    /// </summary>
    private static void AssertGraphInvariants(HnswIndex index)
    {
        var levels = Enumerable.Range(0, index.Count).Select(index.LevelOf).ToArray();
        Assert.Equal(levels.Max(), index.MaxLevel);
        var nodesOnLayer = Enumerable.Range(0, index.MaxLevel + 1).Select(layer => levels.Count(l => l >= layer)).ToArray();
        int m = index.Options.M;
        for (int id = 0; id < index.Count; id++)
        {
            for (int layer = 0; layer <= levels[id]; layer++)
            {
                var links = index.NeighboursOf(id, layer).ToArray();
                Assert.True(links.Length <= (layer == 0 ? 2 * m : m));
                Assert.True(links.Length > 0 || nodesOnLayer[layer] == 1, $"node {id} has no links on layer {layer}");
                Assert.DoesNotContain(id, links);
                Assert.Equal(links.Length, links.Distinct().Count());
                Assert.All(links, n => Assert.True(levels[n] >= layer));
            }
        }
    }

    private static HnswIndex Build(float[][] data, HnswOptions options)
    {
        var index = new HnswIndex(data[0].Length, options);
        index.AddRange(data);
        return index;
    }

    private static byte[] Bytes(HnswIndex index)
    {
        using var stream = new MemoryStream();
        index.Save(stream);
        return stream.ToArray();
    }
}
