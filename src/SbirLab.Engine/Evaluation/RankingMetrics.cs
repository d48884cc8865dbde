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
        // Zero-based index of rank R = T, where mAP@R and R-precision are read.
        var rankRIndex = (relevantCount - 1).clamp_min(0).to_type(ScalarType.Int64);
        var found = relevance.cumsum(1);
        var precisionAtRelevant = found.div(allRanks).mul_(relevance);
        var precisionSums = precisionAtRelevant.cumsum(1);
        var foundAtRanks = found.index_select(1, ZeroBased(sampledRanks));
        var rows = cat(
        [
            precisionSums.narrow(1, relevance.shape[1] - 1, 1) / safeCount,
            precisionSums.gather(1, rankRIndex) / safeCount,
            found.gather(1, rankRIndex) / safeCount,
            found.index_select(1, ZeroBased(precisionKs)) / precisionKs,
            found.index_select(1, ZeroBased(hitKs)).gt(0).to_type(ScalarType.Float64),
            foundAtRanks / sampledRanks,
            foundAtRanks / safeCount,
            InterpolatedPrecision(found, precisionAtRelevant, relevance, relevantCount),
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
    /// p_interp(rⱼ) = max precision over the ranks whose recall reaches rⱼ = j/(L − 1), i.e. from the rank of the
    /// n-th relevant item on, n = ceil(j·T/(L − 1)). Precision only rises at relevant items, so that maximum is the
    /// largest precision pᵢ at the i-th relevant item for i ≥ n (for n = 0, over all i). The pᵢ are scattered into
    /// column i of a [B, max T + 1] table (column 0 and columns past T hold 0), whose reversed running maximum gives
    /// every suffix maximum at once.
    /// </summary>
    private Tensor InterpolatedPrecision(Tensor found, Tensor precisionAtRelevant, Tensor relevance, Tensor relevantCount)
    {
        var mostRelevant = (long)relevantCount.max().item<double>();
        var ordinal = found.mul(relevance).to_type(ScalarType.Int64);
        var byOrdinal = zeros(relevance.shape[0], mostRelevant + 1, dtype: ScalarType.Float64, device: relevance.device)
            .scatter_(1, ordinal, precisionAtRelevant);
        var suffixMaximum = byOrdinal.flip(1).cummax(1).values.flip(1);
        var levelsTimesCount = recallLevels.unsqueeze(0) * relevantCount;
        var neededCount = (levelsTimesCount + (recallLevelCount - 2)).div(recallLevelCount - 1, RoundingMode.floor);
        return suffixMaximum.gather(1, neededCount.to_type(ScalarType.Int64));
    }

    private static Tensor ZeroBased(Tensor oneBasedRanks) => (oneBasedRanks - 1).to_type(ScalarType.Int64);

    private static Tensor AsFloat64(int[] values, Device device) =>
        tensor(values.Select(v => (double)v).ToArray(), dtype: ScalarType.Float64, device: device);
}
