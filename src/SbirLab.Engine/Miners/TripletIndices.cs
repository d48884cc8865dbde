using static TorchSharp.torch;

namespace SbirLab.Engine.Miners;

/// <summary>
/// Triplets chosen by a miner: three int64 vectors of equal length that index the batch, so that triplet
/// <c>t</c> is (<c>Anchors[t]</c>, <c>Positives[t]</c>, <c>Negatives[t]</c>).
/// </summary>
public sealed record TripletIndices(Tensor Anchors, Tensor Positives, Tensor Negatives) : IDisposable
{
    /// <summary>Number of triplets.</summary>
    public long Count => Anchors.shape[0];

    /// <summary>The triplets as (a, p, n) tuples, in the miner's order; for tests, logging and small batches.</summary>
    public IReadOnlyList<(long Anchor, long Positive, long Negative)> ToList()
    {
        using var scope = NewDisposeScope();
        var anchors = Anchors.cpu().data<long>().ToArray();
        var positives = Positives.cpu().data<long>().ToArray();
        var negatives = Negatives.cpu().data<long>().ToArray();
        return [.. anchors.Select((a, t) => (a, positives[t], negatives[t]))];
    }

    /// <summary>Moves the three tensors to the enclosing dispose scope (see <c>MoveToOuterDisposeScope</c>).</summary>
    internal TripletIndices MoveToOuterDisposeScope()
    {
        Anchors.MoveToOuterDisposeScope();
        Positives.MoveToOuterDisposeScope();
        Negatives.MoveToOuterDisposeScope();
        return this;
    }

    /// <summary>Disposes the three index tensors.</summary>
    public void Dispose()
    {
        Anchors.Dispose();
        Positives.Dispose();
        Negatives.Dispose();
    }
}
