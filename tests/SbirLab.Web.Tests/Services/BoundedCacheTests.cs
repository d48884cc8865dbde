using SbirLab.Web.Services;

namespace SbirLab.Web.Tests.Services;

public class BoundedCacheTests
{
    private sealed class Value(string name, long bytes) : IDisposable
    {
        public string Name { get; } = name;
        public long Bytes { get; } = bytes;
        public bool Disposed { get; private set; }
        public void Dispose() => Disposed = true;
    }

    private static BoundedCache<string, Value> Cache(int maxCount, long maxBytes) => new(maxCount, maxBytes, v => v.Bytes);

    private static async Task<Value> Use(BoundedCache<string, Value> cache, string key, long bytes = 10, List<string>? loads = null)
    {
        using var lease = await cache.GetAsync(key, k => { loads?.Add(k); return new Value(k, bytes); });
        return lease.Value;
    }

    [Fact]
    public async Task TheLeastRecentlyUsedGoesFirstWhenTheCountIsExceeded()
    {
        using var cache = Cache(maxCount: 2, maxBytes: 1000);
        var a = await Use(cache, "a");
        var b = await Use(cache, "b");
        await Use(cache, "a"); // a is now more recent than b

        var c = await Use(cache, "c");

        Assert.Equal(["c", "a"], cache.Keys);
        Assert.True(b.Disposed);
        Assert.False(a.Disposed || c.Disposed);
    }

    [Fact]
    public async Task EntriesGoLeastRecentlyUsedFirstUntilTheBytesFit()
    {
        using var cache = Cache(maxCount: 10, maxBytes: 100);
        var a = await Use(cache, "a", bytes: 40);
        var b = await Use(cache, "b", bytes: 40);

        var c = await Use(cache, "c", bytes: 70); // 150 bytes: a (40) out leaves 110, b (40) out leaves 70

        Assert.Equal(["c"], cache.Keys);
        Assert.True(a.Disposed && b.Disposed);
        Assert.Equal(70, cache.Bytes);

        var huge = await Use(cache, "huge", bytes: 500); // larger than the bound: served alone
        Assert.Equal(["huge"], cache.Keys);
        Assert.True(c.Disposed);
        Assert.False(huge.Disposed);
    }

    [Fact]
    public async Task ConcurrentGetsShareOneLoadAndAHeldValueIsLoadedOnce()
    {
        using var cache = Cache(maxCount: 2, maxBytes: 1000);
        var loads = new List<string>();
        var gate = new TaskCompletionSource();
        var first = cache.GetAsync("a", k => { gate.Task.Wait(); lock (loads) loads.Add(k); return new Value(k, 1); });
        var second = cache.GetAsync("a", k => { lock (loads) loads.Add(k); return new Value(k, 1); });
        gate.SetResult();

        using var one = await first;
        using var two = await second;
        await Use(cache, "a", loads: loads);

        Assert.Same(one.Value, two.Value);
        Assert.Equal(["a"], loads);
        Assert.True(cache.IsLoaded("a"));
    }

    [Fact]
    public async Task AnEvictedValueInUseIsDisposedWhenItsLastLeaseEnds()
    {
        using var cache = Cache(maxCount: 1, maxBytes: 1000);
        var lease = await cache.GetAsync("a", k => new Value(k, 1));

        await Use(cache, "b");

        Assert.Equal(["b"], cache.Keys);
        Assert.False(lease.Value.Disposed); // still in use
        lease.Dispose();
        Assert.True(lease.Value.Disposed);
    }

    [Fact]
    public async Task AFailedLoadIsForgottenAndTriedAgain()
    {
        using var cache = Cache(maxCount: 2, maxBytes: 1000);

        await Assert.ThrowsAsync<IOException>(() => cache.GetAsync("a", _ => throw new IOException("damaged")));
        Assert.Empty(cache.Keys);

        var a = await Use(cache, "a");
        Assert.Equal("a", a.Name);
    }
}
