using SbirLab.Core.Configs;
using static TorchSharp.torch;

namespace SbirLab.Engine.Losses;

/// <summary>
/// Seed 001's loss for the Koch pair head: binary cross-entropy −[y·log σ(z) + (1−y)·log(1−σ(z))] of each pair's
/// logit z, y = 1 for a same-class pair, averaged over the pairs.
/// </summary>
/// <remarks>
/// Seed 001 writes the objective as y·log p + (1−y)·log(1−p) + λᵀ‖w‖²; the loss minimised is its negated
/// log-likelihood, and the ‖w‖² term belongs to the optimiser (optimizer.weightDecay), not here. The logit form fuses
/// the sigmoid into a log-sum-exp, so the loss stays finite with useful gradients where σ(z) rounds to 0 or 1.
/// Terms = pairs; active = pairs the head puts on the wrong side of ½ (z ≤ 0 for a same pair, z ≥ 0 for a different one).
/// </remarks>
public sealed class PairBinaryCrossEntropy
{
    /// <summary>The configuration name.</summary>
    public string Name => EmbeddingLossKind.BinaryCrossEntropy.Name();

    /// <summary>The loss of pair logits [B] against same-class flags [B] (bool, or 0/1 numbers).</summary>
    public LossResult Compute(Tensor logits, Tensor same)
    {
        ArgumentNullException.ThrowIfNull(logits);
        ArgumentNullException.ThrowIfNull(same);
        if (logits.dim() != 1 || same.dim() != 1 || logits.shape[0] != same.shape[0])
        {
            throw new ArgumentException($"Expected logits [B] and same [B], got [{string.Join(", ", logits.shape)}] and [{string.Join(", ", same.shape)}].");
        }
        using var scope = NewDisposeScope();
        var targets = same.to(logits.device).to_type(logits.dtype);
        var loss = logits.shape[0] == 0 ? LossMath.ZeroLike(logits) : nn.functional.binary_cross_entropy_with_logits(logits, targets);
        var wrong = (logits.gt(0).to_type(logits.dtype) - targets).abs().gt(0.5) | logits.eq(0);
        var result = new LossResult(loss, wrong.sum(), LossMath.Count(logits.shape[0], logits.device));
        return result.MoveToOuterDisposeScope();
    }
}
