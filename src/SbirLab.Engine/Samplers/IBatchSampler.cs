using SbirLab.Engine;

namespace SbirLab.Engine.Samplers;

/// <summary>
/// Hands out the batches of one epoch as index arrays. Every sampler is a pure function of
/// (seed, epoch), so a run resumed at an epoch boundary sees exactly the batches it would have seen.
/// </summary>
public interface IBatchSampler
{
    /// <summary>Number of batches in an epoch.</summary>
    int BatchesPerEpoch { get; }

    IEnumerable<int[]> Epoch(int epoch);
}

internal static class SamplerRandom
{
    /// <summary>A random source for one epoch, independent of how many numbers earlier epochs drew.</summary>
    public static Random ForEpoch(int seed, int epoch, int salt) => new(StableSeed.Derive(seed, epoch, salt));
}
