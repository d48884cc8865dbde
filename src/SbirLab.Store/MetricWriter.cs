using System.Collections.Concurrent;
using Microsoft.Data.Sqlite;
using SbirLab.Store.Entities;

namespace SbirLab.Store;

/// <summary>
/// Writes metric points and log lines in batches on a background thread, so the training thread only
/// appends to a queue and never waits on SQLite. A batch is committed when <see cref="BatchSize"/>
/// items are waiting or every <see cref="Interval"/>, whichever comes first; <see cref="Flush"/> waits
/// until everything added before it is on disk (used at checkpoints and at the end of a run).
/// </summary>
public sealed class MetricWriter : IDisposable
{
    private const string InsertMetricSql =
        "INSERT INTO MetricPoints (RunId, Kind, Step, Epoch, Name, Value) VALUES ($run, $kind, $step, $epoch, $name, $value)";
    private const string InsertLogSql = "INSERT INTO LogLines (RunId, Time, Text) VALUES ($run, $time, $text)";
    private const int MaxItemsPerTransaction = 50_000;

    private readonly string _connectionString;
    private readonly ConcurrentQueue<PendingWrite> _queue = new();
    private readonly ManualResetEventSlim _wake = new(false);
    private readonly object _progress = new();
    private readonly Thread _thread;
    private List<PendingWrite> _retry = [];
    private long _enqueued;
    private long _committed;
    private volatile bool _stopping;

    public MetricWriter(string connectionString, int batchSize = 1000, TimeSpan? interval = null)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(batchSize, 1);
        _connectionString = connectionString;
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
        using var connection = SqliteSetup.OpenConnection(_connectionString);
        using var commands = new Commands(connection);
        while (true)
        {
            _wake.Wait(Interval);
            _wake.Reset();
            bool stopping = _stopping;
            WritePending(connection, commands);
            if (stopping && _queue.IsEmpty && _retry.Count == 0) break;
        }
    }

    private void WritePending(SqliteConnection connection, Commands commands)
    {
        while (true)
        {
            var batch = _retry.Count > 0 ? _retry : Drain();
            _retry = [];
            if (batch.Count == 0) return;
            if (!TryCommit(connection, commands, batch))
            {
                _retry = batch;
                Thread.Sleep(100);
                return;
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

    private bool TryCommit(SqliteConnection connection, Commands commands, List<PendingWrite> batch)
    {
        try
        {
            using var transaction = connection.BeginTransaction();
            commands.Enlist(transaction);
            foreach (var item in batch) commands.Write(item);
            transaction.Commit();
            return true;
        }
        catch (SqliteException e) when (e.SqliteErrorCode == 19) // SQLITE_CONSTRAINT: find and drop the refused rows
        {
            LastError = e;
            Dropped += CommitRowByRow(connection, commands, batch);
            return true;
        }
        catch (SqliteException e)
        {
            LastError = e;
            return false;
        }
    }

    private static int CommitRowByRow(SqliteConnection connection, Commands commands, List<PendingWrite> batch)
    {
        int dropped = 0;
        using var transaction = connection.BeginTransaction();
        commands.Enlist(transaction);
        foreach (var item in batch)
        {
            try { commands.Write(item); }
            catch (SqliteException e) when (e.SqliteErrorCode == 19) { dropped++; }
        }
        transaction.Commit();
        return dropped;
    }

    private void MarkCommitted(int count)
    {
        lock (_progress)
        {
            Interlocked.Add(ref _committed, count);
            Monitor.PulseAll(_progress);
        }
    }

    private readonly record struct PendingWrite(
        long RunId, bool IsLog, MetricKind Kind, long Step, int Epoch, string Text, double Value, DateTime Time);

    /// <summary>The two prepared inserts, reused for every row.</summary>
    private sealed class Commands : IDisposable
    {
        private readonly SqliteCommand _metric;
        private readonly SqliteCommand _log;

        public Commands(SqliteConnection connection)
        {
            _metric = connection.CreateCommand();
            _metric.CommandText = InsertMetricSql;
            foreach (var name in new[] { "$run", "$kind", "$step", "$epoch", "$name", "$value" })
                _metric.Parameters.Add(new SqliteParameter { ParameterName = name });
            _log = connection.CreateCommand();
            _log.CommandText = InsertLogSql;
            foreach (var name in new[] { "$run", "$time", "$text" })
                _log.Parameters.Add(new SqliteParameter { ParameterName = name });
        }

        public void Enlist(SqliteTransaction transaction)
        {
            _metric.Transaction = transaction;
            _log.Transaction = transaction;
        }

        public void Write(in PendingWrite item)
        {
            if (item.IsLog)
            {
                _log.Parameters[0].Value = item.RunId;
                _log.Parameters[1].Value = item.Time;
                _log.Parameters[2].Value = item.Text;
                _log.ExecuteNonQuery();
                return;
            }
            _metric.Parameters[0].Value = item.RunId;
            _metric.Parameters[1].Value = (int)item.Kind;
            _metric.Parameters[2].Value = item.Step;
            _metric.Parameters[3].Value = item.Epoch;
            _metric.Parameters[4].Value = item.Text;
            _metric.Parameters[5].Value = double.IsNaN(item.Value) ? DBNull.Value : item.Value;
            _metric.ExecuteNonQuery();
        }

        public void Dispose()
        {
            _metric.Dispose();
            _log.Dispose();
        }
    }
}
