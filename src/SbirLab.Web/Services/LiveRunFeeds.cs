using System.Diagnostics;
using SbirLab.Runs;
using SbirLab.Store.Accounts;

namespace SbirLab.Web.Services;

/// <summary>
/// Live run events for browsers. Every run watched has one subscription to the run service, however
/// many browsers watch it; each browser gets the events in batches, at most one batch per
/// <see cref="LabSettings.LiveInterval"/> (four a second by default), so a fast run costs a browser a few
/// renders a second, not one per training step. With many browsers the gap grows so that all of them
/// together get at most <see cref="LabSettings.LiveUpdatesPerSecond"/> updates a second (40: twenty
/// browsers get two a second each): each update costs the server the same, and the training shares its
/// CPU. No event is dropped on the way (beyond the run service's own bounded buffer); a batch holds
/// everything since the previous one.
/// </summary>
public sealed class LiveRunFeeds(RunService runs, LabSettings settings) : IDisposable
{
    /// <summary>Events a watcher may have pending before the oldest are dropped (a browser that stopped taking renders).</summary>
    public const int MaxPending = 50_000;

    private readonly Lock _gate = new();
    private readonly Dictionary<long, Upstream> _upstreams = [];
    private const long AllRuns = -1;
    private int _watchers;

    /// <summary>The gap between two batches of one browser now (it grows with the number of browsers).</summary>
    public TimeSpan CurrentInterval => settings.LiveIntervalFor(Volatile.Read(ref _watchers));

    /// <summary>Service subscriptions open now (one per watched run, one for the runs list).</summary>
    public int UpstreamCount { get { lock (_gate) return _upstreams.Count; } }

    /// <summary>Browsers (or other watchers) attached now.</summary>
    public int WatcherCount { get { lock (_gate) return _upstreams.Values.Sum(u => u.Count); } }

    /// <summary>Streams the events of one run (that the caller may read) to <paramref name="onBatch"/>; dispose the result to stop.</summary>
    public IDisposable Watch(Caller caller, long runId, Func<IReadOnlyList<RunEvent>, Task> onBatch)
    {
        var run = runs.Store.Find(runId) ?? throw new KeyNotFoundException($"no run with id {runId}");
        runs.Store.Access.Demand(caller, RunAction.Read, run);
        return Attach(runId, onBatch);
    }

    /// <summary>Streams the events of every run trained by this process (status changes drive the runs table).</summary>
    public IDisposable WatchAll(Func<IReadOnlyList<RunEvent>, Task> onBatch) => Attach(AllRuns, onBatch);

    private Lease Attach(long key, Func<IReadOnlyList<RunEvent>, Task> onBatch)
    {
        var watcher = new Watcher(onBatch);
        lock (_gate)
        {
            if (!_upstreams.TryGetValue(key, out var upstream))
            {
                upstream = new Upstream(key == AllRuns ? runs.SubscribeAll : token => runs.Subscribe(key, cancellationToken: token),
                    settings.LiveInterval, () => CurrentInterval);
                _upstreams[key] = upstream;
            }
            upstream.Add(watcher);
            _watchers++;
        }
        return new Lease(() => Detach(key, watcher));
    }

    private void Detach(long key, Watcher watcher)
    {
        lock (_gate)
        {
            if (!_upstreams.TryGetValue(key, out var upstream)) return;
            _watchers--;
            if (upstream.Remove(watcher) == 0)
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

    /// <summary>
    /// One subscription to the run service, fanned out to its watchers. Events wait here, and one timer hands
    /// the same batch to every watcher once per interval: twenty browsers on a run cost one wake-up per
    /// interval, not twenty spread over it. The timer ticks at the shortest interval; a tick that comes
    /// before the current interval (longer with many browsers) has passed leaves the events waiting.
    /// </summary>
    private sealed class Upstream : IDisposable
    {
        private readonly CancellationTokenSource _stop = new();
        private readonly Lock _lock = new();
        private readonly Timer _timer;
        private readonly Func<TimeSpan> _interval;
        private readonly TimeSpan _tick;
        private long _lastDelivery;
        private List<RunEvent> _pending = [];
        private volatile Watcher[] _watchers = [];

        /// <summary>Subscribes at once: the run service opens its channel before the constructor returns, so nothing published after it is missed.</summary>
        public Upstream(Func<CancellationToken, IAsyncEnumerable<RunEvent>> subscribe, TimeSpan tick, Func<TimeSpan> interval)
        {
            _interval = interval;
            _tick = tick;
            _lastDelivery = Stopwatch.GetTimestamp();
            _timer = new Timer(_ => Tick(), null, tick, tick);
            _ = Pump(subscribe(_stop.Token));
        }

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
                    lock (_lock)
                    {
                        _pending.Add(runEvent);
                        if (_pending.Count > MaxPending) _pending.RemoveRange(0, _pending.Count - MaxPending);
                    }
            }
            catch (OperationCanceledException) { /* every watcher left */ }
        }

        private void Tick()
        {
            long now = Stopwatch.GetTimestamp();
            // a tick a little early (timer jitter) still counts: compare with the interval less half a tick
            if (Stopwatch.GetElapsedTime(_lastDelivery, now) < _interval() - _tick / 2) return;
            _lastDelivery = now;
            IReadOnlyList<RunEvent> batch = [];
            lock (_lock)
                if (_pending.Count > 0) (batch, _pending) = (_pending, []);
            foreach (var watcher in _watchers) watcher.Deliver(batch);
        }

        public void Dispose()
        {
            _timer.Dispose();
            _stop.Cancel();
            _stop.Dispose();
        }
    }

    /// <summary>
    /// One browser. It takes each interval's batch; while its previous batch is still being drawn (a slow
    /// browser), new events wait in its backlog and go with the next tick, so it never has two batches in flight.
    /// </summary>
    private sealed class Watcher(Func<IReadOnlyList<RunEvent>, Task> onBatch) : IDisposable
    {
        private readonly Lock _lock = new();
        private List<RunEvent> _backlog = [];
        private bool _busy;
        private volatile bool _disposed;

        public void Deliver(IReadOnlyList<RunEvent> batch)
        {
            IReadOnlyList<RunEvent> send;
            lock (_lock)
            {
                if (_disposed) return;
                if (_busy)
                {
                    _backlog.AddRange(batch);
                    if (_backlog.Count > MaxPending) _backlog.RemoveRange(0, _backlog.Count - MaxPending);
                    return;
                }
                if (_backlog.Count == 0) send = batch;
                else
                {
                    _backlog.AddRange(batch);
                    (send, _backlog) = (_backlog, []);
                }
                if (send.Count == 0) return;
                _busy = true;
            }
            _ = Hand(send);
        }

        private async Task Hand(IReadOnlyList<RunEvent> batch)
        {
            try { await onBatch(batch); }
            catch (Exception e) when (e is ObjectDisposedException or InvalidOperationException or TaskCanceledException)
            {
                // the browser went away while its batch was being drawn
            }
            finally
            {
                lock (_lock) _busy = false;
            }
        }

        public void Dispose()
        {
            lock (_lock) _disposed = true;
        }
    }
}
