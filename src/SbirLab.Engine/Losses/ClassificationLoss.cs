using static TorchSharp.torch;

namespace SbirLab.Engine.Losses;

/// <summary>
/// The classification loss a trainer needs: cross-entropy for the embedding classifier, the mean over the batch.
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
}
