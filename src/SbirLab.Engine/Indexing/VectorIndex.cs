using SbirLab.Core.Configs;

namespace SbirLab.Engine.Indexing;

/// <summary>Creates the <see cref="IVectorIndex"/> a run's configuration names (evaluation.index).</summary>
public static class VectorIndex
{
    /// <summary>
    /// A new empty index: brute force (<see cref="ExactIndex"/>) or an approximate graph (<see cref="HnswIndex"/>).
    /// <paramref name="options"/> configures HNSW; for the exact index only its <see cref="HnswOptions.Metric"/> is used.
    /// </summary>
    public static IVectorIndex Create(IndexKind kind, int dimension, HnswOptions? options = null)
    {
        options ??= new HnswOptions();
        return kind switch
        {
            IndexKind.Exact => new ExactIndex(dimension, options.Metric),
            IndexKind.Hnsw => new HnswIndex(dimension, options),
        };
    }
}
