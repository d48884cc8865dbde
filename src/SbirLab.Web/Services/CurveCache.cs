using SbirLab.Store;
using SbirLab.Store.Entities;

namespace SbirLab.Web.Services;

/// <summary>
/// Whole curves of runs as the store holds them (<see cref="RunStore.Series"/>), shared by every page and bounded
/// in bytes (least recently used out first): a compare of 50 runs of 100,000 steps reads each curve once, and its
/// zooms down-sample the held arrays. A curve is keyed with its run's progress and attempt, so the curve of a run
/// that moved on is read again (the stale one ages out).
/// </summary>
public sealed class CurveCache(RunStore store, long maxBytes = CurveCache.DefaultBytes) : IDisposable
{
    /// <summary>256 MiB: about 16 million points (160 curves of 100,000 steps).</summary>
    public const long DefaultBytes = 256L << 20;

    private readonly BoundedCache<Key, Held> _cache = new(100_000, maxBytes, held => held.Bytes);

    /// <summary>The bytes of the curves held.</summary>
    public long Bytes => _cache.Bytes;

    /// <summary>The curve of one metric of <paramref name="run"/> (the caller's access is checked by <see cref="RunReader"/>).</summary>
    public async Task<(double[] X, double[] Y)> GetAsync(RunRecord run, MetricKind kind, string name)
    {
        using var lease = await _cache.GetAsync(new Key(run.Id, kind, name, run.Steps, run.Attempts, run.Status.ToString()),
            key => new Held(store.Series(key.RunId, key.Kind, key.Name)));
        return (lease.Value.X, lease.Value.Y);
    }

    public void Dispose() => _cache.Dispose();

    private sealed record Key(long RunId, MetricKind Kind, string Name, long Steps, int Attempts, string Status);

    /// <summary>A held curve (nothing to release: the arrays go with the garbage collector).</summary>
    private sealed class Held((double[] X, double[] Y) curve) : IDisposable
    {
        public double[] X { get; } = curve.X;
        public double[] Y { get; } = curve.Y;
        public long Bytes => 16L * X.Length + 64;

        public void Dispose() { }
    }
}
