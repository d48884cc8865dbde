namespace SbirLab.Engine.Indexing;

/// <summary>
/// Brute-force k-NN: every query is compared with every stored vector (SIMD distances over one contiguous
/// array). It is the ground truth HNSW recall is measured against and the right choice for small galleries.
/// </summary>
public sealed class ExactIndex : IVectorIndex
{
    private readonly VectorStore _store;

    /// <summary>An empty index of vectors of length <paramref name="dimension"/>.</summary>
    public ExactIndex(int dimension, DistanceMetric metric = DistanceMetric.SquaredL2, int initialCapacity = 0)
    {
        if (!Enum.IsDefined(metric))
        {
            throw new ArgumentOutOfRangeException(nameof(metric), metric, "Unknown metric.");
        }

        _store = new VectorStore(dimension, initialCapacity);
        Metric = metric;
    }

    /// <inheritdoc />
    public int Count => _store.Count;

    /// <inheritdoc />
    public int Dimension => _store.Dimension;

    /// <inheritdoc />
    public DistanceMetric Metric { get; }

    /// <summary>The stored copy of vector <paramref name="id"/>.</summary>
    public ReadOnlySpan<float> GetVector(int id)
    {
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual((uint)id, (uint)Count, nameof(id));
        return _store[id];
    }

    /// <inheritdoc />
    public int Add(ReadOnlySpan<float> vector) => _store.Add(vector);

    /// <inheritdoc />
    public int AddRange(IReadOnlyList<float[]> vectors)
    {
        _store.EnsureCapacity(Count + vectors.Count);
        int first = Count;
        foreach (var vector in vectors)
        {
            _store.Add(vector);
        }

        return first;
    }

    /// <inheritdoc />
    public SearchHit[] Search(ReadOnlySpan<float> query, int k)
    {
        _store.EnsureMatchesDimension(query);
        ArgumentOutOfRangeException.ThrowIfLessThan(k, 1);
        k = Math.Min(k, Count);
        if (k == 0)
        {
            return [];
        }

        var best = new DistanceHeap<FarthestOnTop>();
        for (int id = 0; id < Count; id++)
        {
            HitOrder.Offer(best, k, (VectorDistance.Compute(Metric, query, _store[id]), id));
        }

        return HitOrder.DrainNearestFirst(best);
    }
}
