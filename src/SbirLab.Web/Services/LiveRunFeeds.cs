using SbirLab.Runs;

namespace SbirLab.Web.Services;

/// <summary>
/// Live run events for browsers. Every run watched has one subscription to the run service, however
/// many browsers watch it; each browser gets the events in batches, at most one batch per
/// <see cref="LabSettings.LiveInterval"/> (four a second by default), so a fast run costs a browser a few
/// renders a second, not one per training step. No event is dropped on the way (beyond the run
/// service's own bounded buffer); a batch holds everything since the previous one.
/// </summary>
public sealed class LiveRunFeeds(RunService runs, LabSettings settings) : IDisposable
{
    /// <summary>Events a watcher may have pending before the oldest are dropped (a browser that stopped taking renders).</summary>
    public const int MaxPending = 50_000;

    private readonly Lock _gate = new();
    private readonly Dictionary<long, Upstream> _upstreams = [];
    private const long AllRuns = -1;

    /// <summary>Service subscriptions open now (one per watched run, one for the runs list).</summary>
    public int UpstreamCount { get { lock (_gate) return _upstreams.Count; } }

    /// <summary>Browsers (or other watchers) attached now.</summary>
    public int WatcherCount { get { lock (_gate) return _upstreams.Values.Sum(u => u.Count); } }

    /// <summary>Streams the events of one run to <paramref name="onBatch"/>; dispose the result to stop.</summary>
    public IDisposable Watch(long runId, Func<IReadOnlyList<RunEvent>, Task> onBatch) => Attach(runId, onBatch);

    /// <summary>Streams the events of every run trained by this process (status changes drive the runs table).</summary>
    public IDisposable WatchAll(Func<IReadOnlyList<RunEvent>, Task> onBatch) => Attach(AllRuns, onBatch);

    private Lease Attach(long key, Func<IReadOnlyList<RunEvent>, Task> onBatch)
    {
        var watcher = new Watcher(onBatch, settings.LiveInterval);
        lock (_gate)
        {
            if (!_upstreams.TryGetValue(key, out var upstream))
            {
                upstream = new Upstream(key == AllRuns ? runs.SubscribeAll : token => runs.Subscribe(key, cancellationToken: token));
                _upstreams[key] = upstream;
            }
            upstream.Add(watcher);
        }
        return new Lease(() => Detach(key, watcher));
    }

    private void Detach(long key, Watcher watcher)
    {
        lock (_gate)
        {
            if (_upstreams.TryGetValue(key, out var upstream) && upstream.Remove(watcher) == 0)
            {
                _upstreams.Remove(key);
                upstream.Dispose();
            }
        }
        watcher.Dispose();
    }

    public void Dispose()
    {
        lock (_gate)
        {
            foreach (var upstream in _upstreams.Values) upstream.Dispose();
            _upstreams.Clear();
        }
    }

    private sealed class Lease(Action leave) : IDisposable
    {
        private int _left;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _left, 1) == 0) leave();
        }
    }

    /// <summary>One subscription to the run service, fanned out to its watchers.</summary>
    private sealed class Upstream : IDisposable
    {
        private readonly CancellationTokenSource _stop = new();
        private volatile Watcher[] _watchers = [];

        /// <summary>Subscribes at once: the run service opens its channel before the constructor returns, so nothing published after it is missed.</summary>
        public Upstream(Func<CancellationToken, IAsyncEnumerable<RunEvent>> subscribe) =>
            _ = Pump(subscribe(_stop.Token));

        public int Count => _watchers.Length;

        public void Add(Watcher watcher) => _watchers = [.. _watchers, watcher];

        public int Remove(Watcher watcher)
        {
            _watchers = _watchers.Where(w => w != watcher).ToArray();
            return _watchers.Length;
        }

        private async Task Pump(IAsyncEnumerable<RunEvent> events)
        {
            try
            {
                await foreach (var runEvent in events.WithCancellation(_stop.Token))
                    foreach (var watcher in _watchers) watcher.Enqueue(runEvent);
            }
            catch (OperationCanceledException) { /* every watcher left */ }
        }

        public void Dispose()
        {
            _stop.Cancel();
            _stop.Dispose();
        }
    }

    /// <summary>
    /// One browser's queue. A one-shot timer flushes it and is re-armed only when the batch has been handed
    /// over, so two batches are always at least one interval apart, however late the thread pool runs.
    /// </summary>
    private sealed class Watcher : IDisposable
    {
        private readonly Lock _lock = new();
        private readonly Func<IReadOnlyList<RunEvent>, Task> _onBatch;
        private readonly TimeSpan _interval;
        private readonly Timer _timer;
        private List<RunEvent> _pending = [];
        private volatile bool _disposed;

        public Watcher(Func<IReadOnlyList<RunEvent>, Task> onBatch, TimeSpan interval)
        {
            _onBatch = onBatch;
            _interval = interval;
            _timer = new Timer(_ => _ = Flush(), null, interval, Timeout.InfiniteTimeSpan);
        }

        public void Enqueue(RunEvent runEvent)
        {
            lock (_lock)
            {
                _pending.Add(runEvent);
                if (_pending.Count > MaxPending) _pending.RemoveRange(0, _pending.Count - MaxPending);
            }
        }

        private async Task Flush()
        {
            try
            {
                List<RunEvent> batch;
                lock (_lock) (batch, _pending) = (_pending, []);
                if (batch.Count > 0 && !_disposed) await _onBatch(batch);
            }
            catch (Exception e) when (e is ObjectDisposedException or InvalidOperationException or TaskCanceledException)
            {
                // the browser went away while its batch was being drawn
            }
            finally
            {
                lock (_lock)
                    if (!_disposed) _timer.Change(_interval, Timeout.InfiniteTimeSpan);
            }
        }

        public void Dispose()
        {
            lock (_lock) _disposed = true;
            _timer.Dispose();
        }
    }
}
