namespace SbirLab.Engine.Indexing;

/// <summary>
/// Parameters of <see cref="HnswIndex"/> (Malkov &amp; Yashunin, 2018). Larger <see cref="M"/> and
/// <see cref="EfConstruction"/> give a better graph for more memory and build time; <see cref="EfSearch"/> trades
/// query time for recall.
/// </summary>
public sealed record HnswOptions
{
    /// <summary>Links per node on the upper layers; layer 0 keeps up to 2·M. The level multiplier is 1/ln M.</summary>
    public int M { get; init; } = 16;

    /// <summary>Size of the candidate list while inserting.</summary>
    public int EfConstruction { get; init; } = 200;

    /// <summary>Candidate list size used by <see cref="IVectorIndex.Search"/> when no ef is given.</summary>
    public int EfSearch { get; init; } = 64;

    /// <summary>Seeds the level of each node, so the same seed and insertion order give the same graph.</summary>
    public int Seed { get; init; } = 42;

    /// <summary>Distance used for building and searching.</summary>
    public DistanceMetric Metric { get; init; } = DistanceMetric.SquaredL2;

    internal void Validate()
    {
        if (M < 2)
        {
            throw new ArgumentOutOfRangeException(nameof(M), M, "M must be at least 2.");
        }

        if (EfConstruction < 1 || EfSearch < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(EfConstruction), "ef values must be positive.");
        }

        if (!Enum.IsDefined(Metric))
        {
            throw new ArgumentOutOfRangeException(nameof(Metric), Metric, "Unknown metric.");
        }
    }
}
