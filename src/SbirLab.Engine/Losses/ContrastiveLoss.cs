using SbirLab.Core.Configs;
using SbirLab.Engine.Miners;
using static TorchSharp.torch;

namespace SbirLab.Engine.Losses;

/// <summary>
/// Seed 002's contrastive loss for a pair: L = (1−Y)·½·D² + Y·½·max(0, m − D)², where Y = 0 for a same-class
/// pair and 1 otherwise, D the Euclidean distance of the two embeddings and m &gt; 0 the margin. Similar pairs
/// are pulled together; dissimilar pairs are pushed apart until they are m apart.
/// </summary>
/// <remarks>
/// Note that m is a margin on the (non-squared) Euclidean distance, unlike the triplet margin. D is taken as
/// √max(D², 10⁻¹²) so that the gradient stays finite when two embeddings coincide.
/// </remarks>
public sealed class ContrastiveLoss : IEmbeddingLoss
{
    private const double MinSquaredDistance = 1e-12;

    /// <summary>
    /// Creates the loss with margin m &gt; 0 and the reduction over pairs (mean by default). With
    /// <paramref name="pairedHalves"/>, a batch of 2N items is N given pairs (i, N + i), the pair sampler's layout;
    /// otherwise every pair i &lt; j of the batch counts.
    /// </summary>
    public ContrastiveLoss(double margin, LossReduction reduction = LossReduction.Mean, bool pairedHalves = false)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(margin);
        Margin = margin;
        Reduction = reduction;
        PairedHalves = pairedHalves;
    }

    /// <summary>The margin m on the Euclidean distance.</summary>
    public double Margin { get; }

    /// <summary>How pair losses are combined.</summary>
    public LossReduction Reduction { get; }

    /// <summary>Whether a batch is N given pairs (i, N + i) rather than all its pairs.</summary>
    public bool PairedHalves { get; }

    /// <inheritdoc />
    public string Name => EmbeddingLossKind.Contrastive.Name();

    /// <summary>
    /// Pair form: embeddings <paramref name="x1"/>, <paramref name="x2"/> [N, D] and <paramref name="same"/> [N]
    /// (bool, or 0/1 numbers; true/1 = same class, i.e. Y = 0). Returns the reduced loss over the N pairs.
    /// </summary>
    public Tensor Forward(Tensor x1, Tensor x2, Tensor same)
    {
        ArgumentNullException.ThrowIfNull(x1);
        ArgumentNullException.ThrowIfNull(x2);
        ArgumentNullException.ThrowIfNull(same);
        if (x1.dim() != 2 || !x1.shape.SequenceEqual(x2.shape) || same.dim() != 1 || same.shape[0] != x1.shape[0])
        {
            throw new ArgumentException(
                $"Expected x1, x2 [N, D] and same [N], got [{string.Join(", ", x1.shape)}], [{string.Join(", ", x2.shape)}], [{string.Join(", ", same.shape)}].");
        }

        using var scope = NewDisposeScope();
        var squaredDistance = (x1 - x2).pow(2).sum(1);
        var terms = PairTerms(squaredDistance, same);
        return LossMath.Reduce(terms, Reduction, x1).MoveToOuterDisposeScope();
    }

    /// <summary>
    /// Batch form: every pair i &lt; j of the batch (or, with paired halves, the pairs (i, N + i)), with Y from the
    /// labels. With masks, only pairs that join an allowed anchor and an allowed candidate (in either order) count,
    /// each once. Terms = pairs; active = pairs with a non-zero loss.
    /// </summary>
    public LossResult Compute(Tensor embeddings, Tensor labels, Tensor? anchorMask = null, Tensor? candidateMask = null)
    {
        LossMath.ValidateBatch(embeddings, labels);
        TripletMasks.Validate(labels, null, anchorMask, candidateMask);
        using var scope = NewDisposeScope();
        var pairs = PairIndices(labels, anchorMask, candidateMask, PairedHalves);
        var first = pairs[.., 0].contiguous();
        var second = pairs[.., 1].contiguous();
        var squaredDistances = PairwiseDistances.SquaredEuclidean(embeddings, embeddings);
        var squaredDistance = PairwiseDistances.Gather(squaredDistances, first, second);
        var same = labels.index_select(0, first).eq(labels.index_select(0, second));
        var terms = PairTerms(squaredDistance, same);
        return LossMath.Result(terms, Reduction, embeddings).MoveToOuterDisposeScope();
    }

    /// <summary>Per-pair losses from squared distances D² [N] and same-class flags [N].</summary>
    private Tensor PairTerms(Tensor squaredDistance, Tensor same)
    {
        var similar = same.to_type(squaredDistance.dtype);
        var distance = squaredDistance.clamp_min(MinSquaredDistance).sqrt();
        var pull = 0.5 * squaredDistance;
        var push = 0.5 * (Margin - distance).clamp_min(0).pow(2);
        return similar * pull + (1 - similar) * push;
    }

    /// <summary>Int64 [P, 2]: the batch's pairs (all i &lt; j, or (i, N + i)) that join an allowed anchor and an allowed candidate.</summary>
    private static Tensor PairIndices(Tensor labels, Tensor? anchorMask, Tensor? candidateMask, bool pairedHalves)
    {
        var batch = labels.shape[0];
        var anchors = anchorMask?.to(labels.device) ?? ones(batch, ScalarType.Bool, labels.device);
        var candidates = candidateMask?.to(labels.device) ?? ones(batch, ScalarType.Bool, labels.device);
        var joins = anchors.unsqueeze(1) & candidates.unsqueeze(0);
        joins = joins | joins.t();
        if (!pairedHalves)
        {
            return (joins & ones(batch, batch, ScalarType.Bool, labels.device).triu(1)).nonzero();
        }

        if (batch % 2 != 0)
        {
            throw new ArgumentException($"A batch of paired halves needs an even size, got {batch}.", nameof(labels));
        }

        var first = arange(batch / 2, ScalarType.Int64, labels.device);
        var pairs = stack([first, first + batch / 2], 1);
        var allowed = PairwiseDistances.Gather(joins, pairs[.., 0].contiguous(), pairs[.., 1].contiguous());
        return pairs.index_select(0, allowed.nonzero().reshape(-1));
    }
}
