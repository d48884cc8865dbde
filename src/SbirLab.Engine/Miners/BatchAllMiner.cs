using SbirLab.Core.Configs;
using static TorchSharp.torch;

namespace SbirLab.Engine.Miners;

/// <summary>
/// Seed 004's triplet selection: the first k items of the batch are anchors, and every valid (positive,
/// negative) pair is used for each of them. With no limit on k it is the "all" miner: every valid triplet
/// of the batch.
/// </summary>
/// <remarks>
/// Triplets come in lexicographic (anchor, positive, negative) order. The work is one [k, B, B] boolean mask,
/// so memory grows as k·B²; distances are not consulted (they are accepted for a uniform interface).
/// </remarks>
public sealed class BatchAllMiner : TripletMiner
{
    /// <summary>Seed 004's k = 10 anchors.</summary>
    public const int DefaultAnchorCount = 10;

    /// <summary>Creates the miner with k = <paramref name="anchorCount"/> anchors (k = min(anchorCount, B) per batch).</summary>
    public BatchAllMiner(int anchorCount = DefaultAnchorCount)
        : this(anchorCount, MinerKind.BatchAll)
    {
    }

    private BatchAllMiner(int anchorCount, MinerKind kind)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(anchorCount, 1);
        AnchorCount = anchorCount;
        Name = kind.Name();
    }

    /// <summary>The most anchors per batch.</summary>
    public int AnchorCount { get; }

    /// <inheritdoc />
    public override string Name { get; }

    /// <inheritdoc />
    protected override long AnchorLimit => AnchorCount;

    /// <summary>The "all" miner: every item (that the anchor mask allows) is an anchor.</summary>
    public static BatchAllMiner AllAnchors() => new(int.MaxValue, MinerKind.All);

    /// <inheritdoc />
    /// <remarks>With an anchor mask, the anchors are the first k items that the mask allows.</remarks>
    protected override TripletIndices Select(MiningBatch batch)
    {
        var anchorIndices = TripletMasks.IndicesOf(batch.Anchors);
        var valid = batch.Positive.index_select(0, anchorIndices).unsqueeze(2) & batch.Negative.index_select(0, anchorIndices).unsqueeze(1);
        var triplets = valid.nonzero();
        return new TripletIndices(
            anchorIndices.index_select(0, triplets[.., 0]),
            triplets[.., 1].contiguous(),
            triplets[.., 2].contiguous());
    }
}
