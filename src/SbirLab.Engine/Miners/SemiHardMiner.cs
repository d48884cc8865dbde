using SbirLab.Core.Configs;
using static TorchSharp.torch;

namespace SbirLab.Engine.Miners;

/// <summary>
/// Seed 003's semi-hard mining: for every (anchor, positive) pair, one negative drawn uniformly at random among
/// those with 0 &lt; d(a,p) − d(a,n) + α &lt; α, i.e. d(a,p) &lt; d(a,n) &lt; d(a,p) + α (farther than the positive,
/// but inside the margin). Pairs without such a negative are dropped.
/// </summary>
/// <remarks>
/// Pairs are ordered (a, p) with a ≠ p, both directions (seed 003's "all combinations" of a class). The random
/// draw is a [pairs, B] uniform tensor from the given <see cref="Generator"/> on the generator's device, so the
/// same seed and the same distances give the same triplets, whatever device the distances are on.
/// </remarks>
public sealed class SemiHardMiner : TripletMiner
{
    private readonly Generator generator;

    /// <summary>Creates the miner with margin α &gt; 0 and the generator that all its random choices draw from.</summary>
    public SemiHardMiner(double margin, Generator generator)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(margin);
        ArgumentNullException.ThrowIfNull(generator);
        Margin = margin;
        this.generator = generator;
    }

    /// <summary>Creates the miner with its own CPU generator seeded with <paramref name="seed"/>.</summary>
    public SemiHardMiner(double margin, ulong seed)
        : this(margin, new Generator(seed, CPU))
    {
    }

    /// <summary>The triplet margin α.</summary>
    public double Margin { get; }

    /// <inheritdoc />
    public override string Name => MinerKind.SemiHard.Name();

    /// <inheritdoc />
    protected override TripletIndices Select(MiningBatch batch)
    {
        var pairs = batch.Positive.nonzero();
        if (pairs.shape[0] == 0)
        {
            return TripletMasks.Empty(batch.Distances.device);
        }

        var pairAnchors = pairs[.., 0].contiguous();
        var pairPositives = pairs[.., 1].contiguous();
        var semiHard = SemiHardCandidates(batch.Distances, batch.Negative, pairAnchors, pairPositives);
        var choice = RandomChoice(semiHard);
        var kept = TripletMasks.IndicesOf(semiHard.any(1));
        return new TripletIndices(
            pairAnchors.index_select(0, kept),
            pairPositives.index_select(0, kept),
            choice.index_select(0, kept));
    }

    /// <summary>Bool [pairs, B]: negatives n of the pair's anchor with d(a,p) &lt; d(a,n) &lt; d(a,p) + α.</summary>
    private Tensor SemiHardCandidates(Tensor distances, Tensor negative, Tensor pairAnchors, Tensor pairPositives)
    {
        var anchorRows = distances.index_select(0, pairAnchors);
        var positiveDistance = PairwiseDistances.Gather(distances, pairAnchors, pairPositives).unsqueeze(1);
        return negative.index_select(0, pairAnchors)
            & anchorRows.gt(positiveDistance)
            & anchorRows.lt(positiveDistance + Margin);
    }

    /// <summary>For each row, a uniformly random column among the true entries (any column for an all-false row).</summary>
    private Tensor RandomChoice(Tensor candidates)
    {
        var scores = rand(candidates.shape, generator: generator, device: generator.device).to(candidates.device);
        return scores.masked_fill(candidates.logical_not(), -1.0).argmax(1);
    }
}
