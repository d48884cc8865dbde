using SbirLab.Core.Configs;

namespace SbirLab.Engine.Samplers;

/// <summary>Plain batches drawn at random without replacement (seed 004); the last short batch is dropped.</summary>
public sealed class ShuffleSampler(int count, int batchSize, int seed) : IBatchSampler
{
    public int BatchesPerEpoch => EpochSteps.Shuffle(count, batchSize);

    public IEnumerable<int[]> Epoch(int epoch)
    {
        var order = Enumerable.Range(0, count).ToArray();
        SamplerRandom.ForEpoch(seed, epoch, 1).Shuffle(order);
        for (int b = 0; b < BatchesPerEpoch; b++) yield return order[(b * batchSize)..((b + 1) * batchSize)];
    }
}
