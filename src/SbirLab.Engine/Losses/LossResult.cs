using SbirLab.Core.Configs;
using static TorchSharp.torch;

namespace SbirLab.Engine.Losses;

/// <summary>
/// A batch loss with the counts worth logging next to it: <see cref="TermCount"/> is how many terms the loss is
/// made of (triplets, pairs, or anchor–positive pairs; each loss documents which) and <see cref="ActiveCount"/>
/// how many of them still push the embedding (a non-zero hinge, or a ranking error).
/// </summary>
/// <remarks>
/// The counts stay on the device as 0-d int64 tensors, so a training step can read them together with its
/// other scalars in one host sync (<see cref="ActiveShare"/>); <see cref="ActiveTerms"/> and <see cref="Terms"/>
/// read them one by one, for tests and reports.
/// </remarks>
/// <param name="Loss">Scalar loss tensor, part of the autograd graph of the embeddings.</param>
/// <param name="ActiveCount">Terms that are non-zero / still violated (0-d int64).</param>
/// <param name="TermCount">All terms the loss was computed over (0-d int64).</param>
public sealed record LossResult(Tensor Loss, Tensor ActiveCount, Tensor TermCount) : IDisposable
{
    /// <summary>Terms that are non-zero / still violated (a host sync).</summary>
    public long ActiveTerms => ActiveCount.item<long>();

    /// <summary>All terms the loss was computed over (a host sync).</summary>
    public long Terms => TermCount.item<long>();

    /// <summary>Fraction of active terms (0 when there are no terms; a host sync).</summary>
    public double ActiveFraction => Terms == 0 ? 0 : (double)ActiveTerms / Terms;

    /// <summary>The fraction of active terms as a 0-d float32 tensor on the loss's device (0 without terms), no sync.</summary>
    public Tensor ActiveShare() =>
        ActiveCount.to_type(ScalarType.Float32) / TermCount.clamp_min(1).to_type(ScalarType.Float32);

    /// <summary>Moves the three tensors to the enclosing dispose scope (see <c>MoveToOuterDisposeScope</c>).</summary>
    internal LossResult MoveToOuterDisposeScope()
    {
        Loss.MoveToOuterDisposeScope();
        ActiveCount.MoveToOuterDisposeScope();
        TermCount.MoveToOuterDisposeScope();
        return this;
    }

    /// <summary>Disposes the loss and count tensors.</summary>
    public void Dispose()
    {
        Loss.Dispose();
        ActiveCount.Dispose();
        TermCount.Dispose();
    }
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

        return reduction switch
        {
            LossReduction.Sum => terms.sum(),
            LossReduction.Mean => terms.mean(),
            // Divides by a count that stays on the device (no host sync); a batch with no active term gives 0.
            LossReduction.MeanActive => terms.sum() / terms.gt(0).sum().clamp_min(1),
        };
    }

    /// <summary>A scalar 0 that depends on <paramref name="graphAnchor"/>, so <c>backward()</c> works on an empty batch.</summary>
    public static Tensor ZeroLike(Tensor graphAnchor) => graphAnchor.sum() * 0.0;

    /// <summary>A loss over 1-D <paramref name="terms"/>: the reduction, the strictly positive terms and all terms, on the device.</summary>
    public static LossResult Result(Tensor terms, LossReduction reduction, Tensor graphAnchor) =>
        new(Reduce(terms, reduction, graphAnchor), terms.gt(0).sum(), Count(terms.shape[0], terms.device));

    /// <summary>A 0-d int64 count on <paramref name="device"/> (shapes are known on the host: no sync).</summary>
    public static Tensor Count(long count, Device device) => tensor(count, ScalarType.Int64, device);

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
