using System.Data.Common;
using System.Diagnostics;
using Microsoft.Data.Sqlite;
using SbirLab.Core.Runs;
using SbirLab.Store.Entities;

namespace SbirLab.Store.Tests;

public abstract class MetricWriterTests(StoreProvider provider) : IDisposable
{
    private readonly Lazy<TempStore> _temp = new(() => new TempStore(provider: provider));

    /// <summary>The store, created on first use inside a test so that a PostgreSQL case without a server is skipped.</summary>
    private TempStore Temp => _temp.Value;

    private void DisposeStore()
    {
        if (_temp.IsValueCreated) _temp.Value.Dispose();
    }
    private RunStore Store => Temp.Store;

    public void Dispose() => DisposeStore();

    [SkippableFact]
    public void Every_point_is_committed_exactly_once_and_nan_and_infinity_survive()
    {
        long a = Store.Queue(TempStore.Config("a")), b = Store.Queue(TempStore.Config("b"));
        for (int step = 0; step < 5_000; step++)
        {
            Store.Writer.AddMetric(a, MetricKind.Step, step, 0, "loss", step);
            Store.Writer.AddMetric(b, MetricKind.Step, step, 0, "loss", -step);
        }
        Store.Writer.AddMetric(a, MetricKind.Epoch, 5_000, 0, "nan", double.NaN);
        Store.Writer.AddMetric(a, MetricKind.Epoch, 5_000, 0, "inf", double.PositiveInfinity);
        Store.Writer.Flush();

        var pointsA = Store.Metrics(a, MetricKind.Step);
        Assert.Equal(Enumerable.Range(0, 5_000).Select(s => (long)s), pointsA.Select(p => p.Step));
        Assert.All(pointsA, p => Assert.Equal(p.Step, p.Value));
        Assert.Equal(5_000, Store.Metrics(b, MetricKind.Step).Count);
        Assert.Null(Store.Metrics(a, MetricKind.Epoch, "nan").Single().Value);
        Assert.Equal(double.PositiveInfinity, Store.Metrics(a, MetricKind.Epoch, "inf").Single().Value);
        Assert.True(double.IsNaN(Store.LatestMetrics(a, MetricKind.Epoch)["nan"]));
    }

    [SkippableFact]
    public void A_small_batch_is_committed_by_the_writers_timer_without_a_flush()
    {
        long id = Store.Queue(TempStore.Config());
        for (int step = 0; step < 10; step++) Store.Writer.AddMetric(id, MetricKind.Step, step, 0, "loss", 1);
        var watch = Stopwatch.StartNew();
        while (CountPoints(id) < 10 && watch.Elapsed < TimeSpan.FromSeconds(5)) Thread.Sleep(20); // a bound, not a speed claim
        Assert.Equal(10, CountPoints(id)); // no flush was asked: the 250 ms tick committed them
    }

    [SkippableFact]
    public void A_reader_holding_a_snapshot_does_not_block_the_writer()
    {
        long id = Store.Queue(TempStore.Config());
        Store.Writer.AddMetric(id, MetricKind.Step, 0, 0, "loss", 1);
        Store.Writer.Flush();
        using var reader = OpenConnection();
        // SQLite: a deferred transaction's first read starts its snapshot (WAL); PostgreSQL: a repeatable-read snapshot
        using var snapshot = provider == StoreProvider.Sqlite ? ((SqliteConnection)reader).BeginTransaction(deferred: true)
            : reader.BeginTransaction(System.Data.IsolationLevel.RepeatableRead);
        Assert.Equal(1, Count(reader, snapshot, id)); // the read starts the snapshot and keeps it open

        for (int step = 1; step <= 1_000; step++) Store.Writer.AddMetric(id, MetricKind.Step, step, 0, "loss", 1);
        Store.Writer.Flush(TimeSpan.FromSeconds(5)); // under a rollback journal this would wait for the reader and time out

        Assert.Equal(1, Count(reader, snapshot, id)); // the reader still sees its snapshot
        Assert.Equal(1_001, CountPoints(id));
    }

    [SkippableFact]
    public void A_reader_polling_while_a_run_writes_sees_steady_progress_with_no_gap_or_repeat()
    {
        long id = Store.Queue(TempStore.Config());
        var observer = new StoreObserver(Store, id);
        observer.OnStart(new Core.Runs.RunStart("cpu", 0, 0, 1, 20_000, 20_000, 8, "test"));
        using var stopReading = new CancellationTokenSource();
        var counts = new List<long>();
        var steps = new List<long>();
        var reader = new Thread(() =>
        {
            using var store = Temp.OpenAnother();
            long lastId = 0;
            while (true)
            {
                bool last = stopReading.IsCancellationRequested; // one more poll after the run has flushed
                var fresh = store.Metrics(id, MetricKind.Step, "loss", afterId: lastId); // how a chart polls
                if (fresh.Count > 0) lastId = fresh.Max(p => p.Id);
                steps.AddRange(fresh.Select(p => p.Step));
                lock (counts) counts.Add(steps.Count);
                store.LatestMetrics(id, MetricKind.Step);
                if (last) break;
            }
        });
        reader.Start();
        while (!Polled(counts)) Thread.Sleep(5); // the reader is polling before the run writes

        var values = new Dictionary<string, double> { ["loss"] = 0, ["lr"] = 0 };
        for (int step = 0; step < 20_000; step++)
        {
            observer.OnStep(new Core.Runs.StepMetrics(step, 0, values)); // its slowest call: the store benchmark
            if (step % 100 == 0) Thread.Sleep(1); // a training step takes time; the reader gets turns
            if (step == 10_000) WaitForAPollMidway(counts); // however loaded the machine, the reader gets a turn mid-run
        }
        observer.OnFinish(new Core.Runs.RunOutcome(Core.Runs.RunStatus.Completed, "", 20_000, 1, null));
        stopReading.Cancel();
        reader.Join();

        Assert.Equal(20_000, Store.Metrics(id, MetricKind.Step, "loss").Count);
        // the incremental reads, put end to end, are every step in order: no gap, no repeat at any poll
        Assert.Equal(Enumerable.Range(0, 20_000).Select(s => (long)s), steps);
        Assert.Contains(counts, c => c > 0 && c < 20_000); // it saw the run mid-way
    }

    /// <summary>Flushes the first half and waits (at most 30 s) for a poll that sees part of the run, not all of it.</summary>
    private void WaitForAPollMidway(List<long> counts)
    {
        Store.Writer.Flush();
        for (int wait = 0; wait < 3000; wait++)
        {
            lock (counts)
                if (counts.Any(c => c > 0 && c < 20_000)) return;
            Thread.Sleep(10);
        }
    }

    private static bool Polled(List<long> counts)
    {
        lock (counts) return counts.Count > 0;
    }

    private long CountPoints(long runId)
    {
        using var connection = OpenConnection();
        return Count(connection, null, runId);
    }

    private DbConnection OpenConnection() => provider == StoreProvider.Sqlite
        ? SqliteSetup.OpenConnection(Store.ConnectionString)
        : PostgresSetup.OpenConnection(Store.ConnectionString);

    private static long Count(DbConnection connection, DbTransaction? transaction, long runId)
    {
        using var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = "SELECT COUNT(*) FROM \"MetricPoints\" WHERE \"RunId\" = " + runId.ToString(System.Globalization.CultureInfo.InvariantCulture);
        return Convert.ToInt64(command.ExecuteScalar(), System.Globalization.CultureInfo.InvariantCulture);
    }
}

/// <summary>The suite on the data folder's SQLite file.</summary>
public sealed class SqliteMetricWriterTests() : MetricWriterTests(StoreProvider.Sqlite);

/// <summary>The suite on PostgreSQL (skipped without a server; see <see cref="TestPostgres"/>).</summary>
public sealed class PostgresMetricWriterTests() : MetricWriterTests(StoreProvider.Postgres);
