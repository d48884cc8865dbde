using static TorchSharp.torch;

namespace SbirLab.Engine.Miners;

/// <summary>
/// Chooses (anchor, positive, negative) triplets inside a labelled batch from its squared-distance matrix.
/// A positive has the anchor's label and is not the anchor; a negative has a different label.
/// </summary>
/// <remarks>
/// <para>Modelled on pytorch-metric-learning's <c>BaseMiner.mine</c>: <see cref="Mine"/> validates the batch, turns
/// gradients off, detaches the distances and builds the anchor / positive / negative masks once; a miner only
/// says which triplets it keeps (<see cref="Select"/>). Mining never needs gradients: the distances are only compared.</para>
/// <para>The optional masks make the mining cross-domain: <c>anchorMask</c> (bool [B]) says which items may be
/// anchors (e.g. the sketches), <c>candidateMask</c> (bool [B]) which may be positives or negatives (e.g. the
/// photos). Null means "every item".</para>
/// </remarks>
public abstract class TripletMiner
{
    /// <summary>The miner's configuration name ("batch-all", "semi-hard", "hard", "all").</summary>
    public abstract string Name { get; }

    /// <summary>The most anchors per batch: the first so many items the anchor mask allows (all by default).</summary>
    protected virtual long AnchorLimit => long.MaxValue;

    /// <summary>Mines triplets from a [B, B] squared-distance matrix and labels [B] (int64).</summary>
    public TripletIndices Mine(Tensor squaredDistances, Tensor labels, Tensor? anchorMask = null, Tensor? candidateMask = null)
    {
        ArgumentNullException.ThrowIfNull(squaredDistances);
        TripletMasks.Validate(labels, squaredDistances, anchorMask, candidateMask);
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        var anchors = TripletMasks.Anchors(labels, anchorMask, AnchorLimit);
        var (positive, negative) = TripletMasks.PositivesAndNegatives(labels, anchors, candidateMask);
        var batch = new MiningBatch(squaredDistances.detach(), anchors, positive, negative);
        return Select(batch).MoveToOuterDisposeScope();
    }

    /// <summary>
    /// The triplets this miner keeps from a prepared batch. It runs inside <see cref="Mine"/>'s dispose scope
    /// with gradients off; what it returns is moved out of that scope.
    /// </summary>
    protected abstract TripletIndices Select(MiningBatch batch);
}

/// <summary>
/// A batch as a miner sees it: detached squared distances [B, B], the anchors (bool [B]), and for each anchor
/// row its positives and negatives among the candidates (bool [B, B]; rows of non-anchors are false).
/// </summary>
public sealed record MiningBatch(Tensor Distances, Tensor Anchors, Tensor Positive, Tensor Negative);
