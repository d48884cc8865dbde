using SbirLab.Engine.Indexing;
using SbirLab.Engine.Training;

namespace SbirLab.Engine.Tests.Indexing;

/// <summary>Seed 003's top-k hit rate read through an index, against rankings worked out by hand.</summary>
public class TopHitRateTests
{
    // A gallery on a line at x = 0, 1, 2, 3, 4 with classes A A B B C; each query sits on a gallery point.
    private static readonly float[][] Gallery = [[0, 0], [1, 0], [2, 0], [3, 0], [4, 0]];
    private static readonly long[] GalleryLabels = [0, 0, 1, 1, 2];

    private static ExactIndex Index()
    {
        var index = new ExactIndex(2);
        index.AddRange(Gallery);
        return index;
    }

    [Fact]
    public void AQueryHitsWhenOneOfItsFirstKHasItsClass()
    {
        // Query at x = 4 (class A): by distance the gallery reads 4(C), 3(B), 2(B), 1(A), 0(A).
        // k = 3 finds no A: a miss; k = 4 reaches x = 1: a hit. Query at x = 0.1 (class B): 0(A), 1(A), 2(B): a hit from k = 3.
        float[][] queries = [[4, 0], [0.1f, 0]];
        var labels = new IndexLabels([0, 1], GalleryLabels, null);
        Assert.Equal(0.0, GalleryIndexBuilder.TopHitRate(Index(), queries, labels, 1));
        Assert.Equal(0.0, GalleryIndexBuilder.TopHitRate(Index(), queries, labels, 2));
        Assert.Equal(0.5, GalleryIndexBuilder.TopHitRate(Index(), queries, labels, 3));
        Assert.Equal(1.0, GalleryIndexBuilder.TopHitRate(Index(), queries, labels, 4));
    }

    [Fact]
    public void AQuerysOwnGalleryEntryDoesNotCount()
    {
        // The query is gallery item 2 (class B). Counting itself it would hit at k = 1; skipping it, the next are
        // 1(A) and 3(B) at distance 1 each, then 0(A) and 4(C): with item 3 among the first two it hits at k = 2.
        float[][] queries = [[2, 0]];
        var withSelf = new IndexLabels([1], GalleryLabels, null);
        var withoutSelf = new IndexLabels([1], GalleryLabels, [2]);
        Assert.Equal(1.0, GalleryIndexBuilder.TopHitRate(Index(), queries, withSelf, 1));
        Assert.Equal(1.0, GalleryIndexBuilder.TopHitRate(Index(), queries, withoutSelf, 2));
        // Class C's query at item 4 has no other C: never a hit once it may not find itself.
        Assert.Equal(0.0, GalleryIndexBuilder.TopHitRate(Index(), [[4, 0]], new IndexLabels([2], GalleryLabels, [4]), 4));
        Assert.Equal(1.0, GalleryIndexBuilder.TopHitRate(Index(), [[4, 0]], new IndexLabels([2], GalleryLabels, null), 1));
    }

    [Fact]
    public void HnswAgreesWithExactSearchOnAnEasyGallery()
    {
        var gallery = RandomVectors.Gaussian(400, 16, seed: 3, normalise: true);
        var labels = gallery.Select((_, i) => (long)(i % 7)).ToArray();
        var queries = RandomVectors.Gaussian(60, 16, seed: 4, normalise: true);
        var queryLabels = queries.Select((_, i) => (long)(i % 7)).ToArray();
        var hnsw = new HnswIndex(16, new HnswOptions { Seed = 1, EfSearch = 200 });
        hnsw.AddRange(gallery, 1);
        var exact = new ExactIndex(16);
        exact.AddRange(gallery);
        var indexLabels = new IndexLabels(queryLabels, labels, null);
        Assert.Equal(GalleryIndexBuilder.TopHitRate(exact, queries, indexLabels, 5), GalleryIndexBuilder.TopHitRate(hnsw, queries, indexLabels, 5), 2);
    }
}
