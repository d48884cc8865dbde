namespace SbirLab.Web.Services;

/// <summary>
/// A cache of loaded, disposable values bounded by count and by bytes, least recently used out first. Concurrent
/// gets of one key share one load; a load that fails is forgotten, so the next get tries again. A value is used
/// through a <see cref="CacheLease{TValue}"/>: an evicted value is disposed when its last lease ends, never while in use.
/// </summary>
/// <remarks>
/// The most recently used entry is never evicted, so one value larger than the byte bound is still served
/// (alone). Values still loading count against the count bound but not the byte bound (their size is unknown).
/// </remarks>
public sealed class BoundedCache<TKey, TValue> : IDisposable
    where TKey : notnull
    where TValue : class, IDisposable
{
    private readonly Lock _gate = new();
    private readonly LinkedList<Entry> _order = new(); // most recently used first
    private readonly Dictionary<TKey, LinkedListNode<Entry>> _nodes = [];
    private readonly Func<TValue, long> _bytes;

    /// <summary>A cache of at most <paramref name="maxCount"/> values and <paramref name="maxBytes"/> bytes, sized by <paramref name="bytes"/>.</summary>
    public BoundedCache(int maxCount, long maxBytes, Func<TValue, long> bytes)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(maxCount, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(maxBytes, 1);
        MaxCount = maxCount;
        MaxBytes = maxBytes;
        _bytes = bytes ?? throw new ArgumentNullException(nameof(bytes));
    }

    public int MaxCount { get; }

    public long MaxBytes { get; }

    /// <summary>The keys held (loaded or loading), most recently used first.</summary>
    public IReadOnlyList<TKey> Keys
    {
        get { lock (_gate) return [.. _order.Select(e => e.Key)]; }
    }

    /// <summary>The bytes of the loaded values held.</summary>
    public long Bytes
    {
        get { lock (_gate) return _order.Where(e => e.Loaded).Sum(e => e.Size); }
    }

    /// <summary>Whether the key's value is loaded (a get needs no load).</summary>
    public bool IsLoaded(TKey key)
    {
        lock (_gate) return _nodes.TryGetValue(key, out var node) && node.Value.Loaded;
    }

    /// <summary>The key's value, loaded by <paramref name="load"/> (on the thread pool) when it is not held.</summary>
    public async Task<CacheLease<TValue>> GetAsync(TKey key, Func<TKey, TValue> load)
    {
        ArgumentNullException.ThrowIfNull(load);
        Entry entry;
        lock (_gate)
        {
            if (_nodes.TryGetValue(key, out var node))
            {
                _order.Remove(node);
                _order.AddFirst(node);
                entry = node.Value;
            }
            else
            {
                entry = new Entry(key, Task.Run(() => load(key)));
                _nodes[key] = _order.AddFirst(entry);
            }
            entry.Leases++;
        }

        TValue value;
        try
        {
            value = await entry.Load.ConfigureAwait(false);
        }
        catch
        {
            lock (_gate)
            {
                entry.Leases--;
                Forget(entry);
            }
            throw;
        }

        List<Entry> evicted;
        lock (_gate)
        {
            if (!entry.Loaded)
            {
                entry.Size = _bytes(value);
                entry.Loaded = true;
            }
            evicted = Trim();
        }
        foreach (var e in evicted) e.Load.Result.Dispose();
        return new CacheLease<TValue>(value, () => Release(entry));
    }

    /// <summary>Drops the entries whose key matches (disposed once no lease holds them).</summary>
    public void RemoveWhere(Func<TKey, bool> match)
    {
        List<Entry> evicted = [];
        lock (_gate)
        {
            foreach (var entry in _order.Where(e => match(e.Key)).ToList())
                if (Evict(entry)) evicted.Add(entry);
        }
        foreach (var e in evicted) e.Load.Result.Dispose();
    }

    /// <summary>Entries to evict, least recently used first, until both bounds hold; the newest entry stays.</summary>
    private List<Entry> Trim()
    {
        var evicted = new List<Entry>();
        var node = _order.Last;
        while (node is not null && node != _order.First && (_order.Count > MaxCount || LoadedBytes() > MaxBytes))
        {
            var previous = node.Previous;
            // A loading entry has no size yet and stays; an entry in use leaves now and is disposed by its last lease.
            if (node.Value.Loaded && Evict(node.Value)) evicted.Add(node.Value);
            node = previous;
        }
        return evicted;
    }

    private long LoadedBytes() => _order.Where(e => e.Loaded).Sum(e => e.Size);

    /// <summary>Takes an entry out of the cache; true when nobody holds it, so it can be disposed now.</summary>
    private bool Evict(Entry entry)
    {
        Forget(entry);
        entry.Evicted = true;
        return entry.Loaded && entry.Leases == 0;
    }

    private void Forget(Entry entry)
    {
        if (_nodes.TryGetValue(entry.Key, out var node) && node.Value == entry)
        {
            _nodes.Remove(entry.Key);
            _order.Remove(node);
        }
    }

    private void Release(Entry entry)
    {
        bool dispose;
        lock (_gate)
        {
            entry.Leases--;
            dispose = entry.Evicted && entry.Leases == 0;
        }
        if (dispose) entry.Load.Result.Dispose();
    }

    public void Dispose()
    {
        List<Entry> all;
        lock (_gate)
        {
            all = [.. _order];
            _order.Clear();
            _nodes.Clear();
        }
        foreach (var entry in all)
            if (entry.Load.IsCompletedSuccessfully) entry.Load.Result.Dispose();
    }

    private sealed class Entry(TKey key, Task<TValue> load)
    {
        public TKey Key { get; } = key;
        public Task<TValue> Load { get; } = load;
        public long Size { get; set; }
        public bool Loaded { get; set; }
        public bool Evicted { get; set; }
        public int Leases { get; set; }
    }
}

/// <summary>A value in use; dispose the lease (not the value) when done with it.</summary>
public sealed class CacheLease<TValue> : IDisposable
{
    private readonly Action _release;
    private int _released;

    internal CacheLease(TValue value, Action release)
    {
        Value = value;
        _release = release;
    }

    public TValue Value { get; }

    public void Dispose()
    {
        if (Interlocked.Exchange(ref _released, 1) == 0) _release();
    }
}
