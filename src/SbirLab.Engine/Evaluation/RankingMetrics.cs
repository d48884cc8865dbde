using TorchSharp;
using static TorchSharp.torch;

namespace SbirLab.Engine.Evaluation;

/// <summary>
/// Turns the relevance of a block of ranked lists ([B,G], 1 where the item at that rank shares the query's label)
/// into one float64 row of metrics per query, whose column sums over queries give every mean of the report.
/// Column layout: AP, mAP@R, R-precision, P@k…, hit@k…, rank-curve precision…, rank-curve recall…, interpolated precision….
/// </summary>
internal sealed class RankingMetrics : IDisposable
{
    public const int ApColumn = 0;
    public const int MapAtRColumn = 1;
    public const int RPrecisionColumn = 2;

    private readonly Tensor allRanks;
    private readonly Tensor precisionKs;
    private readonly Tensor hitKs;
    private readonly Tensor sampledRanks;
    private readonly Tensor recallLevels;
    private readonly int recallLevelCount;

    public RankingMetrics(long galleryCount, int[] precisionAtK, int[] hitAtK, int[] curveRanks, int recallLevelCount, Device device)
    {
        allRanks = arange(1, galleryCount + 1, dtype: ScalarType.Float64, device: device);
        precisionKs = AsFloat64(precisionAtK, device);
        hitKs = AsFloat64(hitAtK, device);
        sampledRanks = AsFloat64(curveRanks, device);
        recallLevels = arange(recallLevelCount, dtype: ScalarType.Float64, device: device);
        this.recallLevelCount = recallLevelCount;
        PrecisionStart = 3;
        HitStart = PrecisionStart + precisionAtK.Length;
        RankPrecisionStart = HitStart + hitAtK.Length;
        RankRecallStart = RankPrecisionStart + curveRanks.Length;
        InterpolatedStart = RankRecallStart + curveRanks.Length;
        Width = InterpolatedStart + recallLevelCount;
    }

    public int PrecisionStart { get; }
    public int HitStart { get; }
    public int RankPrecisionStart { get; }
    public int RankRecallStart { get; }
    public int InterpolatedStart { get; }
    public int Width { get; }

    /// <summary>Per-query metric rows [B, Width] (float64) for relevance [B,G] (float64, 0/1). Rows with T = 0 are meaningless.</summary>
    public Tensor Rows(Tensor relevance)
    {
        using var scope = NewDisposeScope();
        var relevantCount = relevance.sum(1, keepdim: true);
        var safeCount = relevantCount.clamp_min(1);
        var found = relevance.cumsum(1);
        var precision = found / allRanks;
        var weighted = precision * relevance;
        var ap = weighted.sum(1, keepdim: true) / safeCount;
        var mapAtR = (weighted * allRanks.le(relevantCount)).sum(1, keepdim: true) / safeCount;
        var rPrecision = found.gather(1, (relevantCount - 1).clamp_min(0).to_type(ScalarType.Int64)) / safeCount;
        var foundAtRanks = found.index_select(1, ZeroBased(sampledRanks));
        var rows = cat(
        [
            ap, mapAtR, rPrecision,
            found.index_select(1, ZeroBased(precisionKs)) / precisionKs,
            found.index_select(1, ZeroBased(hitKs)).gt(0).to_type(ScalarType.Float64),
            foundAtRanks / sampledRanks,
            foundAtRanks / safeCount,
            InterpolatedPrecision(found, precision, relevantCount),
        ], 1);
        return rows.MoveToOuterDisposeScope();
    }

    public void Dispose()
    {
        allRanks.Dispose();
        precisionKs.Dispose();
        hitKs.Dispose();
        sampledRanks.Dispose();
        recallLevels.Dispose();
    }

    /// <summary>
    /// p_interp(rᵢ) = max precision over ranks whose recall reaches rᵢ = i/(L − 1). Recall never decreases, so those ranks
    /// are a suffix starting where the count of relevant items first reaches ceil(i·T/(L − 1)); a reversed running
    /// maximum gives the maximum over every suffix, and a row-wise binary search finds where each suffix starts.
    /// </summary>
    private Tensor InterpolatedPrecision(Tensor found, Tensor precision, Tensor relevantCount)
    {
        var suffixMaximum = precision.flip(1).cummax(1).values.flip(1);
        var levelsTimesCount = recallLevels.unsqueeze(0) * relevantCount;
        var neededCount = (levelsTimesCount + (recallLevelCount - 2)).div(recallLevelCount - 1, RoundingMode.floor);
        var firstRank = searchsorted(found, neededCount).clamp_max(found.shape[1] - 1);
        return suffixMaximum.gather(1, firstRank);
    }

    private static Tensor ZeroBased(Tensor oneBasedRanks) => (oneBasedRanks - 1).to_type(ScalarType.Int64);

    private static Tensor AsFloat64(int[] values, Device device) =>
        tensor(values.Select(v => (double)v).ToArray(), dtype: ScalarType.Float64, device: device);
}
