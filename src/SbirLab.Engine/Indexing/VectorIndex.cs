namespace SbirLab.Engine.Indexing;

/// <summary>Creates an <see cref="IVectorIndex"/> by name so a run's configuration can say "exact" or "hnsw".</summary>
public static class VectorIndex
{
    /// <summary>Brute-force search: <see cref="ExactIndex"/>.</summary>
    public const string Exact = "exact";

    /// <summary>Approximate graph search: <see cref="HnswIndex"/>.</summary>
    public const string Hnsw = "hnsw";

    /// <summary>The names <see cref="Create"/> accepts.</summary>
    public static IReadOnlyList<string> Kinds { get; } = [Exact, Hnsw];

    /// <summary>
    /// A new empty index of the named kind (case-insensitive). <paramref name="options"/> configures HNSW; for
    /// the exact index only its <see cref="HnswOptions.Metric"/> is used.
    /// </summary>
    public static IVectorIndex Create(string kind, int dimension, HnswOptions? options = null)
    {
        options ??= new HnswOptions();
        return kind.ToLowerInvariant() switch
        {
            Exact => new ExactIndex(dimension, options.Metric),
            Hnsw => new HnswIndex(dimension, options),
            _ => throw new ArgumentException($"Unknown index kind '{kind}'; expected one of: {string.Join(", ", Kinds)}.", nameof(kind)),
        };
    }
}
