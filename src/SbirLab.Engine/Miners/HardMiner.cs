using SbirLab.Core.Configs;
using static TorchSharp.torch;

namespace SbirLab.Engine.Miners;

/// <summary>
/// Batch-hard mining: one triplet per anchor, with its farthest positive and its nearest negative
/// (the hardest of each). Anchors without a positive or without a negative are skipped.
/// </summary>
/// <remarks>Ties go to the lowest batch index. Triplets come in anchor order.</remarks>
public sealed class HardMiner : ITripletMiner
{
    /// <inheritdoc />
    public string Name => MinerKind.Hard.Name();

    /// <inheritdoc />
    public TripletIndices Mine(Tensor squaredDistances, Tensor labels, Tensor? anchorMask = null, Tensor? candidateMask = null)
    {
        TripletMasks.Validate(labels, squaredDistances, anchorMask, candidateMask);
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        var distances = squaredDistances.detach();
        var anchors = TripletMasks.Anchors(labels, anchorMask, long.MaxValue);
        var (positive, negative) = TripletMasks.PositivesAndNegatives(labels, anchors, candidateMask);
        var hardestPositive = distances.masked_fill(positive.logical_not(), double.NegativeInfinity).argmax(1);
        var hardestNegative = distances.masked_fill(negative.logical_not(), double.PositiveInfinity).argmin(1);
        var anchorIndices = TripletMasks.IndicesOf(positive.any(1) & negative.any(1));
        var result = new TripletIndices(
            anchorIndices,
            hardestPositive.index_select(0, anchorIndices),
            hardestNegative.index_select(0, anchorIndices));
        return result.MoveToOuterDisposeScope();
    }
}
