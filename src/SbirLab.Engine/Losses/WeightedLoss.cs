using static TorchSharp.torch;

namespace SbirLab.Engine.Losses;

/// <summary>
/// A run's total loss, w_emb·L_emb + w_ce·L_ce (SPEC; seed 000 suggests 0.4 / 0.6), returned with its parts so
/// each can be logged on its own.
/// </summary>
/// <remarks>A part whose weight is 0 is left out of the total (so a NaN there cannot leak into it) but still reported.</remarks>
public sealed class WeightedLoss
{
    /// <summary>Seed 000's embedding-loss weight.</summary>
    public const double DefaultEmbeddingWeight = 0.4;

    /// <summary>Seed 000's cross-entropy weight.</summary>
    public const double DefaultClassificationWeight = 0.6;

    /// <summary>Creates the combination; weights must be non-negative and not both zero.</summary>
    public WeightedLoss(double embeddingWeight = DefaultEmbeddingWeight, double classificationWeight = DefaultClassificationWeight)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(embeddingWeight);
        ArgumentOutOfRangeException.ThrowIfNegative(classificationWeight);
        if (embeddingWeight == 0 && classificationWeight == 0)
        {
            throw new ArgumentException("At least one loss weight must be positive.");
        }

        EmbeddingWeight = embeddingWeight;
        ClassificationWeight = classificationWeight;
    }

    /// <summary>w_emb.</summary>
    public double EmbeddingWeight { get; }

    /// <summary>w_ce.</summary>
    public double ClassificationWeight { get; }

    /// <summary>Combines a scalar embedding loss and a scalar classification loss.</summary>
    public WeightedLossResult Combine(Tensor embeddingLoss, Tensor classificationLoss)
    {
        ArgumentNullException.ThrowIfNull(embeddingLoss);
        ArgumentNullException.ThrowIfNull(classificationLoss);
        var total = (EmbeddingWeight, ClassificationWeight) switch
        {
            (0, _) => ClassificationWeight * classificationLoss,
            (_, 0) => EmbeddingWeight * embeddingLoss,
            _ => EmbeddingWeight * embeddingLoss + ClassificationWeight * classificationLoss,
        };
        return new WeightedLossResult(total, embeddingLoss, classificationLoss);
    }
}

/// <summary>The weighted total (to back-propagate) and the unweighted parts (to log).</summary>
public sealed record WeightedLossResult(Tensor Total, Tensor Embedding, Tensor Classification);
