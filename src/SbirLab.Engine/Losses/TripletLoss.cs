using SbirLab.Core.Configs;
using SbirLab.Engine.Miners;
using static TorchSharp.torch;

namespace SbirLab.Engine.Losses;

/// <summary>
/// The triplet loss of seeds 001, 003 and 004: ℓ(a, p, n) = max(d(a,p) − d(a,n) + α, 0), with d the squared
/// Euclidean distance. It is zero once the negative is farther from the anchor than the positive by α.
/// </summary>
/// <remarks>
/// <para>Reduction: <see cref="LossReduction.Mean"/> (default) averages over all triplets, so the loss scale — and
/// the learning rate that suits it — does not change with the batch size, the number of anchors or the miner.
/// <see cref="LossReduction.Sum"/> gives seed 004's batch total Σ_a l(a) with l(a) = Σ_{p,n} ℓ(a,p,n) (and the
/// plain Σ_i ℓ⁽ⁱ⁾ of seeds 001 and 003).</para>
/// <para>For normalised embeddings d ∈ [0, 4]; seed 004 suggests α ∈ [0, 0.5], FaceNet uses 0.2.</para>
/// </remarks>
public sealed class TripletLoss
{
    /// <summary>Creates the loss with margin α ≥ 0.</summary>
    public TripletLoss(double margin, LossReduction reduction = LossReduction.Mean)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(margin);
        Margin = margin;
        Reduction = reduction;
    }

    /// <summary>The margin α on squared distances.</summary>
    public double Margin { get; }

    /// <summary>How triplet losses are combined.</summary>
    public LossReduction Reduction { get; }

    /// <summary>Per-sample form with the counts: terms = N triplets, active = triplets with a positive hinge.</summary>
    public LossResult Compute(Tensor anchor, Tensor positive, Tensor negative)
    {
        ValidateTriplets(anchor, positive, negative);
        using var scope = NewDisposeScope();
        var terms = Hinge((anchor - positive).pow(2).sum(1), (anchor - negative).pow(2).sum(1));
        return LossMath.Result(terms, Reduction, anchor).MoveToOuterDisposeScope();
    }

    /// <summary>
    /// Batch form: the miner picks triplets from the batch's squared-distance matrix, whose entries then give
    /// d(a,p) and d(a,n). Terms = mined triplets; active = those with a positive hinge. A batch with no triplet
    /// gives a zero loss that still back-propagates.
    /// </summary>
    public LossResult Compute(Tensor embeddings, Tensor labels, TripletMiner miner, Tensor? anchorMask = null, Tensor? candidateMask = null)
    {
        LossMath.ValidateBatch(embeddings, labels);
        ArgumentNullException.ThrowIfNull(miner);
        using var scope = NewDisposeScope();
        var distances = PairwiseDistances.SquaredEuclidean(embeddings, embeddings);
        var triplets = miner.Mine(distances, labels, anchorMask, candidateMask);
        var positiveDistance = PairwiseDistances.Gather(distances, triplets.Anchors, triplets.Positives);
        var negativeDistance = PairwiseDistances.Gather(distances, triplets.Anchors, triplets.Negatives);
        var terms = Hinge(positiveDistance, negativeDistance);
        return LossMath.Result(terms, Reduction, embeddings).MoveToOuterDisposeScope();
    }

    private Tensor Hinge(Tensor positiveDistance, Tensor negativeDistance) =>
        (positiveDistance - negativeDistance + Margin).clamp_min(0);

    private static void ValidateTriplets(Tensor anchor, Tensor positive, Tensor negative)
    {
        ArgumentNullException.ThrowIfNull(anchor);
        ArgumentNullException.ThrowIfNull(positive);
        ArgumentNullException.ThrowIfNull(negative);
        if (anchor.dim() != 2 || !anchor.shape.SequenceEqual(positive.shape) || !anchor.shape.SequenceEqual(negative.shape))
        {
            throw new ArgumentException(
                $"Expected anchor, positive and negative of one shape [N, D], got [{string.Join(", ", anchor.shape)}], [{string.Join(", ", positive.shape)}], [{string.Join(", ", negative.shape)}].");
        }
    }
}

/// <summary>The triplet loss paired with a miner, as an <see cref="IEmbeddingLoss"/> named "triplet".</summary>
public sealed class MinedTripletLoss(TripletLoss loss, TripletMiner miner) : IEmbeddingLoss
{
    /// <summary>The triplet loss (margin and reduction).</summary>
    public TripletLoss Loss { get; } = loss ?? throw new ArgumentNullException(nameof(loss));

    /// <summary>The miner that picks the triplets of each batch.</summary>
    public TripletMiner Miner { get; } = miner ?? throw new ArgumentNullException(nameof(miner));

    /// <inheritdoc />
    public string Name => EmbeddingLossKind.Triplet.Name();

    /// <inheritdoc />
    public LossResult Compute(Tensor embeddings, Tensor labels, Tensor? anchorMask = null, Tensor? candidateMask = null) =>
        Loss.Compute(embeddings, labels, Miner, anchorMask, candidateMask);
}
