using SbirLab.Engine.Reports;
using SbirLab.Store;
using SbirLab.Store.Entities;

namespace SbirLab.Web.Services;

/// <summary>
/// Whole curves of runs as the store holds them (<see cref="RunStore.Series"/>), shared by every page and bounded
/// in bytes (least recently used out first): a compare of 50 runs of 100,000 steps reads each curve once, and its
/// zooms down-sample the held arrays. A curve is keyed with its run's progress and attempt, so the curve of a run
/// that moved on is read again (the stale one ages out). Smoothed curves are held beside them (same bound): a zoom on
/// a compare of 50 runs would otherwise smooth 5 million points again for every window.
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
        using var lease = await _cache.GetAsync(KeyOf(run, kind, name, 0), key => new Held(store.Series(key.RunId, key.Kind, key.Name)));
        return (lease.Value.X, lease.Value.Y);
    }

    /// <summary>
    /// The curve and its exponential moving average with weight <paramref name="smoothing"/> in (0, 1)
    /// (<see cref="ExponentialSmoothing"/>, over every point), both held.
    /// </summary>
    public async Task<(double[] X, double[] Y, double[] Smoothed)> GetSmoothedAsync(RunRecord run, MetricKind kind, string name, double smoothing)
    {
        var (x, y) = await GetAsync(run, kind, name);
        using var lease = await _cache.GetAsync(KeyOf(run, kind, name, smoothing), _ => new Held((x, ExponentialSmoothing.Ema(y, smoothing)), sharesX: true));
        return (x, y, lease.Value.Y);
    }

    public void Dispose() => _cache.Dispose();

    private static Key KeyOf(RunRecord run, MetricKind kind, string name, double smoothing) =>
        new(run.Id, kind, name, run.Steps, run.Attempts, run.Status.ToString(), smoothing);

    /// <summary>A curve's key; <paramref name="Smoothing"/> 0 for the curve as logged.</summary>
    private sealed record Key(long RunId, MetricKind Kind, string Name, long Steps, int Attempts, string Status, double Smoothing);

    /// <summary>A held curve (nothing to release: the arrays go with the garbage collector); a smoothed one shares its x with the raw curve.</summary>
    private sealed class Held((double[] X, double[] Y) curve, bool sharesX = false) : IDisposable
    {
        public double[] X { get; } = curve.X;
        public double[] Y { get; } = curve.Y;
        public long Bytes => (sharesX ? 8L : 16L) * X.Length + 64;

        public void Dispose() { }
    }
}
