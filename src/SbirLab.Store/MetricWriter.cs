using System.Collections.Concurrent;
using System.Data.Common;
using SbirLab.Store.Entities;

namespace SbirLab.Store;

/// <summary>
/// Writes metric points and log lines in batches on a background thread, so the training thread only
/// appends to a queue and never waits on the database (SQLite: prepared inserts in one transaction; PostgreSQL:
/// binary COPY, see <see cref="IBatchSink"/>). A batch is committed when <see cref="BatchSize"/>
/// items are waiting or every <see cref="Interval"/>, whichever comes first; <see cref="Flush"/> waits
/// until everything added before it is on disk (used at checkpoints and at the end of a run).
/// </summary>
public sealed class MetricWriter : IDisposable
{
    private const int MaxItemsPerTransaction = 50_000;

    private readonly StoreConnection _connection;
    private readonly ConcurrentQueue<PendingWrite> _queue = new();
    private readonly ManualResetEventSlim _wake = new(false);
    private readonly object _progress = new();
    private readonly Thread _thread;
    private List<PendingWrite> _retry = [];
    private long _enqueued;
    private long _committed;
    private volatile bool _stopping;

    public MetricWriter(StoreConnection connection, int batchSize = 1000, TimeSpan? interval = null)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(batchSize, 1);
        _connection = connection;
        BatchSize = batchSize;
        Interval = interval ?? TimeSpan.FromMilliseconds(250);
        _thread = new Thread(WriteLoop) { IsBackground = true, Name = "SbirLab metric writer" };
        _thread.Start();
    }

    /// <summary>Items waiting that trigger an immediate commit.</summary>
    public int BatchSize { get; }

    /// <summary>Longest time an item waits before it is committed.</summary>
    public TimeSpan Interval { get; }

    /// <summary>Items committed so far.</summary>
    public long Committed => Interlocked.Read(ref _committed);

    /// <summary>Items given up on (a row the database refused, e.g. for a run deleted meanwhile).</summary>
    public long Dropped { get; private set; }

    /// <summary>The last error the writer met (it retries, so an error need not mean lost data).</summary>
    public Exception? LastError { get; private set; }

    public void AddMetric(long runId, MetricKind kind, long step, int epoch, string name, double value) =>
        Add(new PendingWrite(runId, false, kind, step, epoch, name, value, default));

    public void AddLog(long runId, string text, DateTime time) =>
        Add(new PendingWrite(runId, true, MetricKind.Step, 0, 0, text, 0, time));

    /// <summary>Waits until every item added before this call is committed.</summary>
    /// <exception cref="TimeoutException">The database stayed unwritable for <paramref name="timeout"/>.</exception>
    public void Flush(TimeSpan? timeout = null)
    {
        long target = Interlocked.Read(ref _enqueued);
        var deadline = DateTime.UtcNow + (timeout ?? TimeSpan.FromSeconds(60));
        _wake.Set();
        lock (_progress)
        {
            while (Interlocked.Read(ref _committed) < target)
            {
                var left = deadline - DateTime.UtcNow;
                if (left <= TimeSpan.Zero || !_thread.IsAlive)
                    throw new TimeoutException($"metric writer: {target - Committed} items not committed", LastError);
                Monitor.Wait(_progress, left < TimeSpan.FromMilliseconds(200) ? left : TimeSpan.FromMilliseconds(200));
            }
        }
    }

    public void Dispose()
    {
        _stopping = true;
        _wake.Set();
        _thread.Join(TimeSpan.FromSeconds(30));
        _wake.Dispose();
    }

    private void Add(PendingWrite item)
    {
        if (_stopping) throw new ObjectDisposedException(nameof(MetricWriter));
        _queue.Enqueue(item);
        if (Interlocked.Increment(ref _enqueued) % BatchSize == 0) _wake.Set();
    }

    private void WriteLoop()
    {
        IBatchSink? sink = null;
        try
        {
            while (true)
            {
                _wake.Wait(Interval);
                _wake.Reset();
                bool stopping = _stopping;
                sink = WritePending(sink);
                if (stopping && _queue.IsEmpty && _retry.Count == 0) break;
            }
        }
        finally
        {
            sink?.Dispose();
        }
    }

    /// <summary>Commits what waits; returns the sink to use next (null after a failure: the connection is opened again).</summary>
    private IBatchSink? WritePending(IBatchSink? sink)
    {
        while (true)
        {
            var batch = _retry.Count > 0 ? _retry : Drain();
            _retry = [];
            if (batch.Count == 0) return sink;
            try
            {
                sink ??= IBatchSink.Open(_connection);
                Dropped += sink.Commit(batch);
            }
            catch (Exception e) when (e is DbException or TimeoutException or IOException or InvalidOperationException)
            {
                LastError = e;
                sink?.Dispose();
                _retry = batch;
                Thread.Sleep(100);
                return null;
            }
            MarkCommitted(batch.Count);
        }
    }

    private List<PendingWrite> Drain()
    {
        var batch = new List<PendingWrite>(Math.Min(_queue.Count, MaxItemsPerTransaction));
        while (batch.Count < MaxItemsPerTransaction && _queue.TryDequeue(out var item)) batch.Add(item);
        return batch;
    }

    private void MarkCommitted(int count)
    {
        lock (_progress)
        {
            Interlocked.Add(ref _committed, count);
            Monitor.PulseAll(_progress);
        }
    }
}
