namespace SbirLab.Engine.Evaluation;

/// <summary>
/// The evaluation of one embedding on one query set against one gallery. Plain numbers and arrays, so it
/// serialises with System.Text.Json for <c>eval.json</c>, the database and the web lab's charts.
/// All means are over the evaluated queries: those with at least one relevant gallery item (T &gt; 0).
/// </summary>
public sealed record RetrievalReport
{
    /// <summary>Number of queries given.</summary>
    public required int QueryCount { get; init; }

    /// <summary>Number of gallery items given.</summary>
    public required int GalleryCount { get; init; }

    /// <summary>Length of the shortest ranked list: G, or G − 1 when any query is excluded from its ranking.</summary>
    public required int RankedListLength { get; init; }

    /// <summary>Queries left out of every mean because no gallery item shares their label (T = 0).</summary>
    public required int SkippedQueries { get; init; }

    /// <summary>
    /// Seed 004's mAP: per query, AP = Σₖ prec(k)·rel(k) / T over the whole ranked gallery (increasing distance,
    /// the query itself excluded), then the mean over evaluated queries.
    /// </summary>
    public required double MeanAveragePrecision { get; init; }

    /// <summary>mAP@R (Musgrave et al. 2020): with R = T, Σ_{k ≤ R} prec(k)·rel(k) / R, averaged.</summary>
    public required double MapAtR { get; init; }

    /// <summary>R-precision: the fraction of relevant items among the first R = T ranks, averaged.</summary>
    public required double RPrecision { get; init; }

    /// <summary>AP of every query in query order; null for a skipped query.</summary>
    public required double?[] PerQueryAp { get; init; }

    /// <summary>Mean precision@k (relevant among the first k, divided by k) for each requested k.</summary>
    public required MetricAtK[] PrecisionAtK { get; init; }

    /// <summary>Fraction of queries with at least one relevant item among the first k, for each requested k.</summary>
    public required MetricAtK[] TopKHitRate { get; init; }

    /// <summary>Interpolated precision–recall curve, averaged over queries at fixed recall levels.</summary>
    public required PrecisionRecallCurve PrCurve { get; init; }

    /// <summary>Seed 004's plot: mean precision and mean recall at sampled ranks k.</summary>
    public required RankCurve RankCurve { get; init; }

    /// <summary>Seed 000's recall ratio: mean recall against the number of items retrieved.</summary>
    public required RecallRatioCurve RecallRatio { get; init; }

    /// <summary>One ranked example per query class, ordered by label; empty when not requested.</summary>
    public required RetrievalExample[] Examples { get; init; }
}

/// <summary>A metric at one cut-off k.</summary>
public sealed record MetricAtK(int K, double Value);

/// <summary>
/// Mean interpolated precision at fixed recall levels rᵢ = i / (levels − 1). For one query,
/// p_interp(r) = max { prec(k) : recall(k) ≥ r }, where recall(k) ≥ r is decided exactly in integers
/// (relevant-so-far · (levels − 1) ≥ i · T); the curve is the mean of p_interp over evaluated queries.
/// </summary>
public sealed record PrecisionRecallCurve(double[] Recall, double[] Precision);

/// <summary>
/// Seed 004's "mean precision and recall, averaged across all queries": at each sampled rank k (1-based,
/// evenly spread over 1..RankedListLength), the mean of prec(k) and of recall(k) = relevant-so-far / T.
/// </summary>
public sealed record RankCurve(int[] Rank, double[] MeanPrecision, double[] MeanRecall);

/// <summary>
/// Seed 000's recall ratio: for n items retrieved (the same ranks as <see cref="RankCurve"/>), the mean recall@n,
/// with n also given as a fraction of the ranked list length.
/// </summary>
public sealed record RecallRatioCurve(int[] Retrieved, double[] FractionRetrieved, double[] MeanRecall);

/// <summary>
/// One query's top of the ranking, for the "one example per class" figure: relevant items framed green, others red.
/// </summary>
public sealed record RetrievalExample(
    int QueryIndex, long QueryLabel, long[] GalleryIndices, long[] GalleryLabels, double[] Distances, bool[] Relevant);
