namespace SbirLab.Engine;

/// <summary>
/// Derives seeds from a run's seed and a position (epoch, step, ...) with SplitMix64. Unlike
/// <see cref="HashCode"/>, which is randomised per process, the result is the same in every process, so
/// a run resumed by another process (or repeated later) draws exactly the same batches and triplets.
/// </summary>
public static class StableSeed
{
    public static int Derive(params long[] parts)
    {
        ulong state = 0x9E3779B97F4A7C15UL;
        foreach (long part in parts) state = Mix(state ^ (ulong)part);
        return (int)(state & int.MaxValue);
    }

    private static ulong Mix(ulong z)
    {
        z += 0x9E3779B97F4A7C15UL;
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        return z ^ (z >> 31);
    }
}
