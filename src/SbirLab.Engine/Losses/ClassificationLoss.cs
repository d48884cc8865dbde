using static TorchSharp.torch;

namespace SbirLab.Engine.Losses;

/// <summary>
/// The classification losses a trainer needs, in one place: cross-entropy for the embedding classifier and
/// binary cross-entropy for the Koch "same / different" head. All return the mean over the batch.
/// </summary>
public static class ClassificationLoss
{
    /// <summary>
    /// Cross-entropy of <paramref name="logits"/> [B, C] (raw scores) against class indices <paramref name="labels"/>
    /// [B] (int64), with optional label smoothing ε ∈ [0, 1) (the target puts 1 − ε on the class and ε/C everywhere).
    /// </summary>
    public static Tensor CrossEntropy(Tensor logits, Tensor labels, double labelSmoothing = 0.0)
    {
        ArgumentNullException.ThrowIfNull(logits);
        ArgumentNullException.ThrowIfNull(labels);
        if (labelSmoothing is < 0 or >= 1)
        {
            throw new ArgumentOutOfRangeException(nameof(labelSmoothing), labelSmoothing, "Label smoothing must be in [0, 1).");
        }

        return nn.functional.cross_entropy(logits, labels, label_smoothing: labelSmoothing);
    }

    /// <summary>
    /// Binary cross-entropy −[y·log σ(z) + (1−y)·log(1−σ(z))] from logits z (any shape) and 0/1 or bool targets y
    /// of the same number of elements. Preferred for the Koch head: it fuses the sigmoid into a log-sum-exp, so it
    /// stays finite and has useful gradients for large |z|, where σ(z) rounds to exactly 0 or 1.
    /// </summary>
    /// <remarks>
    /// Seed 001 writes the objective as y·log p + (1−y)·log(1−p) + λᵀ‖w‖²; the loss minimised is its negated
    /// log-likelihood, and the ‖w‖² term belongs to the optimiser (weight decay), not here.
    /// </remarks>
    public static Tensor BinaryCrossEntropyWithLogits(Tensor logits, Tensor targets)
    {
        ArgumentNullException.ThrowIfNull(logits);
        return nn.functional.binary_cross_entropy_with_logits(logits, AsTargets(targets, logits));
    }

    /// <summary>
    /// Binary cross-entropy from probabilities p ∈ [0, 1] (after a sigmoid), for heads that output probabilities.
    /// Torch clamps each log at −100, so p = 0 or 1 gives a large finite loss instead of infinity.
    /// </summary>
    public static Tensor BinaryCrossEntropy(Tensor probabilities, Tensor targets)
    {
        ArgumentNullException.ThrowIfNull(probabilities);
        return nn.functional.binary_cross_entropy(probabilities, AsTargets(targets, probabilities));
    }

    private static Tensor AsTargets(Tensor targets, Tensor like)
    {
        ArgumentNullException.ThrowIfNull(targets);
        if (targets.numel() != like.numel())
        {
            throw new ArgumentException(
                $"Targets [{string.Join(", ", targets.shape)}] do not match predictions [{string.Join(", ", like.shape)}].", nameof(targets));
        }

        return targets.to_type(like.dtype).reshape(like.shape);
    }
}
