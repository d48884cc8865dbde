using SbirLab.Core.Configs;
using static TorchSharp.torch;

namespace SbirLab.Engine.Miners;

/// <summary>
/// Batch-hard mining: one triplet per anchor, with its farthest positive and its nearest negative
/// (the hardest of each). Anchors without a positive or without a negative are skipped.
/// </summary>
/// <remarks>Ties go to the lowest batch index. Triplets come in anchor order.</remarks>
public sealed class HardMiner : TripletMiner
{
    /// <inheritdoc />
    public override string Name => MinerKind.Hard.Name();

    /// <inheritdoc />
    protected override TripletIndices Select(MiningBatch batch)
    {
        var hardestPositive = batch.Distances.masked_fill(batch.Positive.logical_not(), double.NegativeInfinity).argmax(1);
        var hardestNegative = batch.Distances.masked_fill(batch.Negative.logical_not(), double.PositiveInfinity).argmin(1);
        var anchorIndices = TripletMasks.IndicesOf(batch.Positive.any(1) & batch.Negative.any(1));
        return new TripletIndices(
            anchorIndices,
            hardestPositive.index_select(0, anchorIndices),
            hardestNegative.index_select(0, anchorIndices));
    }
}
