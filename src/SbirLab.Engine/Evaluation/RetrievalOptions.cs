namespace SbirLab.Engine.Evaluation;

/// <summary>
/// What <see cref="RetrievalEvaluator"/> measures and how. Every rank-based figure (P@K, hit rate, curves,
/// examples) must fit in the shortest ranked list: G items, or G − 1 when any query is excluded from the gallery.
/// </summary>
public sealed record RetrievalOptions
{
    /// <summary>
    /// For each query, its own index in the gallery (or −1 when it is not there), so it is left out of its ranking
    /// and of its relevant count T (seed 004). Null when no query is in the gallery (cross-domain SBIR).
    /// </summary>
    public long[]? QuerySelfIndex { get; init; }

    /// <summary>Cut-offs k of the mean precision@k.</summary>
    public int[] PrecisionAtK { get; init; } = [1, 5, 10, 50];

    /// <summary>Cut-offs k of the top-k hit rate (seed 003: "is any of the top 5 of the query's class").</summary>
    public int[] TopKHit { get; init; } = [1, 5];

    /// <summary>At most this many ranks (≥ 2) are sampled, evenly from 1 to the list length, for the rank curve and recall ratio.</summary>
    public int RecallCurvePoints { get; init; } = 100;

    /// <summary>Number of equally spaced recall levels 0 … 1 (≥ 2) of the interpolated precision–recall curve; 101 gives 0, 0.01, …, 1.</summary>
    public int InterpolatedRecallLevels { get; init; } = 101;

    /// <summary>Whether to store one ranked example per class (seed 000): the first query of each class.</summary>
    public bool ExamplesPerClass { get; init; } = true;

    /// <summary>Length of each example's ranked list.</summary>
    public int ExampleTopK { get; init; } = 10;

    /// <summary>Queries ranked at once; peak memory is about QueryBlockSize × G × 64 bytes (1.6 GB for 256 × 100k).</summary>
    public int QueryBlockSize { get; init; } = ExactSearch.DefaultQueryBlockSize;
}
