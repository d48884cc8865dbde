using static TorchSharp.torch;

namespace SbirLab.Engine.Losses;

/// <summary>
/// A batch loss with the counts worth logging next to it: <see cref="Terms"/> is how many terms the loss is
/// made of (triplets, pairs, or anchor–positive pairs; each loss documents which) and <see cref="ActiveTerms"/>
/// how many of them still push the embedding (a non-zero hinge, or a ranking error).
/// </summary>
/// <param name="Loss">Scalar loss tensor, part of the autograd graph of the embeddings.</param>
/// <param name="ActiveTerms">Terms that are non-zero / still violated.</param>
/// <param name="Terms">All terms the loss was computed over.</param>
public sealed record LossResult(Tensor Loss, long ActiveTerms, long Terms) : IDisposable
{
    /// <summary>Fraction of active terms (0 when there are no terms).</summary>
    public double ActiveFraction => Terms == 0 ? 0 : (double)ActiveTerms / Terms;

    /// <summary>Disposes the loss tensor.</summary>
    public void Dispose() => Loss.Dispose();
}

/// <summary>How per-term losses are combined into one scalar.</summary>
public enum LossReduction
{
    /// <summary>Average over the terms; the scale does not depend on batch size or number of mined terms.</summary>
    Mean,

    /// <summary>Plain sum, as the seeds write their totals (e.g. seed 004's Σ_a l(a)).</summary>
    Sum,
}

/// <summary>Shared reduction and graph-safe helpers for the losses.</summary>
internal static class LossMath
{
    /// <summary>Reduces a 1-D tensor of terms; an empty tensor gives a zero that stays connected to <paramref name="graphAnchor"/>.</summary>
    public static Tensor Reduce(Tensor terms, LossReduction reduction, Tensor graphAnchor)
    {
        if (terms.shape[0] == 0)
        {
            return ZeroLike(graphAnchor);
        }

        return reduction == LossReduction.Sum ? terms.sum() : terms.mean();
    }

    /// <summary>A scalar 0 that depends on <paramref name="graphAnchor"/>, so <c>backward()</c> works on an empty batch.</summary>
    public static Tensor ZeroLike(Tensor graphAnchor) => graphAnchor.sum() * 0.0;

    /// <summary>Number of strictly positive entries (one device sync).</summary>
    public static long CountPositive(Tensor terms) => terms.gt(0).sum().item<long>();

    /// <summary>Checks embeddings [B, D] against labels [B].</summary>
    public static void ValidateBatch(Tensor embeddings, Tensor labels)
    {
        ArgumentNullException.ThrowIfNull(embeddings);
        ArgumentNullException.ThrowIfNull(labels);
        if (embeddings.dim() != 2 || labels.dim() != 1 || embeddings.shape[0] != labels.shape[0])
        {
            throw new ArgumentException(
                $"Expected embeddings [B, D] and labels [B], got [{string.Join(", ", embeddings.shape)}] and [{string.Join(", ", labels.shape)}].");
        }
    }
}
