using SbirLab.Core.Configs;
using SbirLab.Engine.Miners;
using static TorchSharp.torch;

namespace SbirLab.Engine.Losses;

/// <summary>
/// Seed 004's Smooth-AP loss (after Brown et al., 2020). For an anchor a with positives P and negatives N,
/// l(a) = Σ_{p∈P} [Σ_{n∈N} σ_τ(d_p − d_n)] / k_σ(p), with k_σ(p) = Σ_{x∈P∪N} σ_τ(d_p − d_x) and
/// σ_τ(x) = 1 / (1 + exp(−x/τ)); d is the squared Euclidean distance to the anchor. It relaxes
/// |P|·(1 − AP), so minimising it raises the anchor's average precision.
/// </summary>
/// <remarks>
/// <para>Anchors are the first k items of the batch (seed 004: k = 10); P excludes the anchor itself and P ∪ N
/// is every other item. As in the seed, x = p itself is part of k_σ(p) and contributes σ_τ(0) = ½, so as τ → 0
/// k_σ(p) tends to k(p) − ½ rather than the rank k(p): the limit of l(a)/|P| is slightly above 1 − AP.</para>
/// <para>Reduction: <see cref="LossReduction.Mean"/> (default) averages l(a) over the anchors that have at least
/// one positive (AP is undefined without one), and so does <see cref="LossReduction.MeanActive"/>; <see cref="LossReduction.Sum"/> is the seed's total Σ_a l(a).
/// Terms = (anchor, positive) pairs; active = pairs with a negative strictly closer than the positive
/// (a ranking error). Memory grows as k·B².</para>
/// </remarks>
public sealed class SmoothApLoss : IEmbeddingLoss
{
    /// <summary>Seed 004's temperature τ.</summary>
    public const double DefaultTemperature = 0.01;

    /// <summary>Creates the loss with temperature τ &gt; 0 and k anchors per batch.</summary>
    public SmoothApLoss(double temperature = DefaultTemperature, int anchorCount = BatchAllMiner.DefaultAnchorCount, LossReduction reduction = LossReduction.Mean)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(temperature);
        ArgumentOutOfRangeException.ThrowIfLessThan(anchorCount, 1);
        Temperature = temperature;
        AnchorCount = anchorCount;
        Reduction = reduction;
    }

    /// <summary>The sigmoid temperature τ.</summary>
    public double Temperature { get; }

    /// <summary>The most anchors per batch (the first k items, or the first k allowed by an anchor mask).</summary>
    public int AnchorCount { get; }

    /// <summary>How per-anchor losses are combined.</summary>
    public LossReduction Reduction { get; }

    /// <inheritdoc />
    public string Name => EmbeddingLossKind.SmoothAp.Name();

    /// <inheritdoc />
    public LossResult Compute(Tensor embeddings, Tensor labels, Tensor? anchorMask = null, Tensor? candidateMask = null)
    {
        LossMath.ValidateBatch(embeddings, labels);
        TripletMasks.Validate(labels, null, anchorMask, candidateMask);
        using var scope = NewDisposeScope();
        var anchors = TripletMasks.Anchors(labels, anchorMask, AnchorCount);
        var anchorIndices = TripletMasks.IndicesOf(anchors);
        var (positive, negative) = TripletMasks.PositivesAndNegatives(labels, anchors, candidateMask);
        positive = positive.index_select(0, anchorIndices);
        negative = negative.index_select(0, anchorIndices);
        var distances = PairwiseDistances.SquaredEuclidean(embeddings.index_select(0, anchorIndices), embeddings);

        // difference[a, p, x] = d_p − d_x for anchor row a.
        var difference = distances.unsqueeze(2) - distances.unsqueeze(1);
        var perAnchor = PerAnchorLoss(difference, positive, negative);
        var loss = Reduce(perAnchor, positive.any(1));
        var rankingErrors = (negative.unsqueeze(1) & difference.gt(0)).any(2) & positive;
        return new LossResult(loss, rankingErrors.sum(), positive.sum()).MoveToOuterDisposeScope();
    }

    /// <summary>l(a) for each anchor row, from the [k, B, B] differences and the [k, B] masks.</summary>
    private Tensor PerAnchorLoss(Tensor difference, Tensor positive, Tensor negative)
    {
        var soft = (difference / Temperature).sigmoid();
        var compared = (positive | negative).unsqueeze(1).to_type(soft.dtype);
        var softNegativesBefore = (soft * negative.unsqueeze(1).to_type(soft.dtype)).sum(2);
        var softRank = (soft * compared).sum(2);

        // Rows that are not positives may have a zero soft rank; fill them before dividing so no NaN reaches the gradient.
        var ratio = softNegativesBefore / softRank.masked_fill(positive.logical_not(), 1.0);
        return ratio.masked_fill(positive.logical_not(), 0.0).sum(1);
    }

    private Tensor Reduce(Tensor perAnchor, Tensor hasPositive)
    {
        if (Reduction == LossReduction.Sum)
        {
            return perAnchor.sum();
        }

        var validAnchors = hasPositive.sum();
        return perAnchor.sum() / validAnchors.clamp_min(1).to_type(perAnchor.dtype);
    }
}
