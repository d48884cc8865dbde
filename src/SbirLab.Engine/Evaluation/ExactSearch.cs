using TorchSharp;
using static TorchSharp.torch;

namespace SbirLab.Engine.Evaluation;

/// <summary>
/// Exact (brute-force) nearest-neighbour search by squared Euclidean distance. It is the ground truth that
/// approximate search (HNSW) is measured against and the ranking that the retrieval metrics are computed on.
/// Queries are processed in blocks so that the full query × gallery distance matrix never exists at once.
/// </summary>
public static class ExactSearch
{
    /// <summary>Queries ranked per block unless the caller says otherwise.</summary>
    public const int DefaultQueryBlockSize = 256;

    /// <summary>
    /// The <paramref name="k"/> nearest gallery items of every query, nearest first; equal distances are ordered by
    /// gallery index (stable sort), so the result is deterministic.
    /// </summary>
    /// <param name="queries">[Q,D] floating-point embeddings.</param>
    /// <param name="gallery">[G,D] embeddings on the same device and of the same dtype.</param>
    /// <param name="k">How many neighbours; at most the length of the shortest ranked list (G, or G − 1 when a query excludes an item).</param>
    /// <param name="excludeGalleryIndexPerQuery">For each query, a gallery index it must not retrieve (the query itself), or −1.</param>
    /// <param name="queryBlockSize">How many queries are ranked at once.</param>
    /// <returns>Indices [Q,k] int64 and squared distances [Q,k] in the embeddings' dtype, on the queries' device.</returns>
    public static (Tensor Indices, Tensor Distances) TopK(
        Tensor queries, Tensor gallery, int k, long[]? excludeGalleryIndexPerQuery = null, int queryBlockSize = DefaultQueryBlockSize)
    {
        RequireCompatible(queries, gallery);
        var shortestList = ShortestListLength(gallery.shape[0], excludeGalleryIndexPerQuery);
        if (k < 1 || k > shortestList)
        {
            throw new ArgumentOutOfRangeException(nameof(k), k, $"k must lie in 1..{shortestList} (the shortest ranked list).");
        }

        RequirePositive(queryBlockSize, nameof(queryBlockSize));
        using var excluded = ExclusionTensor(excludeGalleryIndexPerQuery, queries.shape[0], gallery.shape[0], queries.device);
        var indexBlocks = new List<Tensor>();
        var distanceBlocks = new List<Tensor>();
        foreach (var (start, length) in Blocks(queries.shape[0], queryBlockSize))
        {
            using var scope = NewDisposeScope();
            var (nearestDistances, nearestIndices) = NearestInBlock(
                queries.narrow(0, start, length), gallery, excluded.narrow(0, start, length), k);
            indexBlocks.Add(nearestIndices.MoveToOuterDisposeScope());
            distanceBlocks.Add(nearestDistances.MoveToOuterDisposeScope());
        }

        return (ConcatenateAndDispose(indexBlocks), ConcatenateAndDispose(distanceBlocks));
    }

    /// <summary>
    /// Ranks the whole gallery for a block of queries: distances with the excluded item set to +∞, then a stable sort,
    /// so the excluded item ends last and ties keep gallery order. Returns sorted distances and gallery indices [B,G].
    /// </summary>
    internal static (Tensor SortedDistances, Tensor Order) RankGallery(Tensor queryBlock, Tensor gallery, Tensor excludedIndexBlock)
    {
        using var scope = NewDisposeScope();
        var (sorted, order) = MaskedDistances(queryBlock, gallery, excludedIndexBlock).sort(dim: 1, stable: true);
        return (sorted.MoveToOuterDisposeScope(), order.MoveToOuterDisposeScope());
    }

    /// <summary>
    /// The first k entries of <see cref="RankGallery"/> without sorting whole rows: a partial selection (topk), put in
    /// (distance, index) order. topk may pick any of several items tied with the k-th distance, so rows with such a
    /// tie at the boundary — more than k items at or below the k-th distance — fall back to the full stable sort.
    /// </summary>
    private static (Tensor Distances, Tensor Indices) NearestInBlock(Tensor queryBlock, Tensor gallery, Tensor excludedIndexBlock, int k)
    {
        using var scope = NewDisposeScope();
        var distances = MaskedDistances(queryBlock, gallery, excludedIndexBlock);
        var (selected, selectedIndices) = distances.topk(k, dim: 1, largest: false, sorted: true);
        var (byIndex, indexOrder) = selectedIndices.sort(dim: 1);
        var (nearest, valueOrder) = selected.gather(1, indexOrder).sort(dim: 1, stable: true);
        var nearestIndices = byIndex.gather(1, valueOrder);
        var kthDistance = selected.narrow(1, k - 1, 1);
        var tiedRows = distances.le(kthDistance).sum(1).gt(k).nonzero().squeeze(1);
        if (tiedRows.shape[0] > 0)
        {
            var (sortedRows, orderRows) = distances.index_select(0, tiedRows).sort(dim: 1, stable: true);
            nearest.index_copy_(0, tiedRows, sortedRows.narrow(1, 0, k));
            nearestIndices.index_copy_(0, tiedRows, orderRows.narrow(1, 0, k));
        }

        return (nearest.MoveToOuterDisposeScope(), nearestIndices.MoveToOuterDisposeScope());
    }

    /// <summary>Squared distances [B,G] with each query's excluded gallery item set to +∞.</summary>
    private static Tensor MaskedDistances(Tensor queryBlock, Tensor gallery, Tensor excludedIndexBlock)
    {
        var distances = Distances.SquaredEuclidean(queryBlock, gallery);
        var galleryPositions = arange(gallery.shape[0], dtype: ScalarType.Int64, device: gallery.device).unsqueeze(0);
        return distances.masked_fill_(galleryPositions.eq(excludedIndexBlock.unsqueeze(1)), double.PositiveInfinity);
    }

    /// <summary>G when no query excludes an item, else G − 1: the length of the shortest ranked list.</summary>
    internal static long ShortestListLength(long galleryCount, long[]? excludeGalleryIndexPerQuery) =>
        excludeGalleryIndexPerQuery is not null && excludeGalleryIndexPerQuery.Any(i => i >= 0) ? galleryCount - 1 : galleryCount;

    /// <summary>The per-query excluded gallery index as an int64 tensor [Q] (−1 where none), after checking it.</summary>
    internal static Tensor ExclusionTensor(long[]? excluded, long queryCount, long galleryCount, Device device)
    {
        if (excluded is null)
        {
            return full(queryCount, -1L, dtype: ScalarType.Int64, device: device);
        }

        if (excluded.Length != queryCount)
        {
            throw new ArgumentException($"Expected one excluded gallery index per query ({queryCount}), got {excluded.Length}.");
        }

        var outOfRange = Array.FindIndex(excluded, i => i < -1 || i >= galleryCount);
        if (outOfRange >= 0)
        {
            throw new ArgumentOutOfRangeException(nameof(excluded), $"Query {outOfRange} excludes gallery index {excluded[outOfRange]}, outside -1..{galleryCount - 1}.");
        }

        return tensor(excluded, dtype: ScalarType.Int64, device: device);
    }

    /// <summary>Checks that both embeddings are 2-D, equally wide, floating-point, of one dtype and on one device.</summary>
    internal static void RequireCompatible(Tensor queries, Tensor gallery)
    {
        if (queries.dim() != 2 || gallery.dim() != 2 || queries.shape[1] != gallery.shape[1])
        {
            throw new ArgumentException("Queries and gallery must be [Q,D] and [G,D] with the same D.");
        }

        if (!queries.is_floating_point() || queries.dtype != gallery.dtype)
        {
            throw new ArgumentException($"Embeddings must share one floating-point dtype (got {queries.dtype} and {gallery.dtype}).");
        }

        if (queries.device_type != gallery.device_type || queries.device_index != gallery.device_index)
        {
            throw new ArgumentException($"Embeddings must be on one device (got {queries.device} and {gallery.device}).");
        }

        if (queries.shape[0] < 1 || gallery.shape[0] < 1)
        {
            throw new ArgumentException("Queries and gallery must each hold at least one embedding.");
        }
    }

    /// <summary>Consecutive (start, length) ranges covering 0..count−1 in steps of at most blockSize.</summary>
    internal static IEnumerable<(long Start, long Length)> Blocks(long count, int blockSize)
    {
        for (long start = 0; start < count; start += blockSize)
        {
            yield return (start, Math.Min(blockSize, count - start));
        }
    }

    internal static void RequirePositive(int value, string name)
    {
        if (value < 1)
        {
            throw new ArgumentOutOfRangeException(name, value, "Must be at least 1.");
        }
    }

    private static Tensor ConcatenateAndDispose(List<Tensor> blocks)
    {
        var result = cat(blocks, 0);
        blocks.ForEach(b => b.Dispose());
        return result;
    }
}
