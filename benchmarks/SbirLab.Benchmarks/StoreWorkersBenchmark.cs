using System.Diagnostics;
using System.Globalization;
using Microsoft.Data.Sqlite;
using SbirLab.Core.Configs;
using SbirLab.Core.Runs;
using SbirLab.Store;
using SbirLab.Store.Entities;

namespace SbirLab.Benchmarks;

/// <summary>
/// The store under several workers, on SQLite and on PostgreSQL: (1) metric points per second committed in total by
/// 1, 2 and 4 writers at once, each with its own store (own batch writer and connection, as separate worker processes
/// have) logging steps of 5 figures through <see cref="StoreObserver"/>; goal ≥ 50,000/s with 4 on PostgreSQL.
/// (2) Claim latency, p50 and p95, with 4 workers claiming from one queue at once. PostgreSQL is measured when
/// <c>--postgres CONNECTION</c> (else <c>SBIRLAB_STORE</c>) names a database; its runs are deleted afterwards.
/// </summary>
public static class StoreWorkersBenchmark
{
    public static void Run(string[] args)
    {
        int points = Arg(args, "--points", 200_000);
        int claims = Arg(args, "--claims", 400);
        string? postgres = Value(args, "--postgres") ?? Environment.GetEnvironmentVariable(StoreConnection.EnvironmentVariable);
        string root = Path.Combine(Path.GetTempPath(), "sbirlab-store-workers-bench-" + Environment.ProcessId);
        // the claim queue is longer than a lab's default limit on queued runs
        Environment.SetEnvironmentVariable(HostLimits.QueuedVariable, (claims + 10).ToString(CultureInfo.InvariantCulture));
        var data = new DataFolder(root).Create();
        try
        {
            var stores = new List<StoreConnection> { StoreConnection.Sqlite(data) };
            if (!string.IsNullOrWhiteSpace(postgres)) stores.Add(StoreConnection.Postgres(postgres));
            else Console.WriteLine("PostgreSQL: not measured (give --postgres CONNECTION or SBIRLAB_STORE)");
            Console.WriteLine($"| store | writers | points | seconds | points/s in total |");
            Console.WriteLine($"|---|---|---|---|---|");
            foreach (var store in stores)
                foreach (int writers in new[] { 1, 2, 4 })
                    WriteRate(data, store, writers, points);
            Console.WriteLine();
            Console.WriteLine($"| store | workers | claims | p50 ms | p95 ms | max ms |");
            Console.WriteLine($"|---|---|---|---|---|---|");
            foreach (var store in stores) ClaimLatency(data, store, workers: 4, claims);
        }
        finally
        {
            SqliteConnection.ClearAllPools();
            Directory.Delete(root, recursive: true);
        }
    }

    /// <summary><paramref name="writers"/> stores, each logging <paramref name="points"/> points of its own run at once.</summary>
    private static void WriteRate(DataFolder data, StoreConnection connection, int writers, int points)
    {
        var stores = Enumerable.Range(0, writers).Select(_ => RunStore.Open(data, connection)).ToList();
        var ids = stores.Select(s => s.Queue(new RunConfig { Name = "bench-writes" })).ToList();
        var values = new Dictionary<string, double> { ["loss"] = 1, ["lr"] = 0.1, ["items_per_s"] = 500, ["loss_ce"] = 1, ["accuracy"] = 0.5 };
        using var start = new Barrier(writers + 1);
        var threads = stores.Select((store, i) => new Thread(() =>
        {
            var observer = new StoreObserver(store, ids[i]);
            observer.OnStart(new RunStart("cpu", 0, 0, 1, points / 5, points / 5, 100, "bench"));
            start.SignalAndWait();
            for (int step = 0; step < points / 5; step++) observer.OnStep(new StepMetrics(step, 0, values));
            store.Writer.Flush(TimeSpan.FromMinutes(10));
        })).ToList();
        threads.ForEach(t => t.Start());
        start.SignalAndWait();
        var watch = Stopwatch.StartNew();
        threads.ForEach(t => t.Join());
        var took = watch.Elapsed;
        long total = stores.Sum(s => s.Writer.Committed);
        Console.WriteLine(Invariant($"| {connection.Provider.ToString().ToLowerInvariant()} | {writers} | {total:N0} | {took.TotalSeconds:F2} | {total / took.TotalSeconds:N0} |"));
        for (int i = 0; i < stores.Count; i++) stores[i].Delete(ids[i]);
        stores.ForEach(s => s.Dispose());
    }

    /// <summary><paramref name="workers"/> stores claiming from one queue of <paramref name="claims"/> runs until it is empty.</summary>
    private static void ClaimLatency(DataFolder data, StoreConnection connection, int workers, int claims)
    {
        using var queue = RunStore.Open(data, connection);
        var ids = Enumerable.Range(0, claims).Select(i => queue.Queue(new RunConfig { Name = $"bench-claim-{i}" })).ToList();
        var stores = Enumerable.Range(0, workers).Select(_ => RunStore.Open(data, connection)).ToList();
        var latencies = new System.Collections.Concurrent.ConcurrentBag<double>();
        using var start = new Barrier(workers);
        var threads = stores.Select((store, w) => new Thread(() =>
        {
            var worker = WorkerIdentity.Current.Named($"bench-{w}");
            start.SignalAndWait();
            while (true)
            {
                long before = Stopwatch.GetTimestamp();
                var run = store.ClaimNext(worker);
                if (run is null) break;
                latencies.Add(Stopwatch.GetElapsedTime(before).TotalMilliseconds);
            }
        })).ToList();
        threads.ForEach(t => t.Start());
        threads.ForEach(t => t.Join());
        var sorted = latencies.Order().ToList();
        Console.WriteLine(Invariant($"| {connection.Provider.ToString().ToLowerInvariant()} | {workers} | {sorted.Count} | {Percentile(sorted, 0.5):F1} | {Percentile(sorted, 0.95):F1} | {sorted[^1]:F1} |"));
        foreach (var id in ids) queue.Finish(id, RunStatus.Stopped, "benchmark");
        foreach (var id in ids) queue.Delete(id);
        stores.ForEach(s => s.Dispose());
    }

    private static double Percentile(List<double> sorted, double q) => sorted[Math.Clamp((int)Math.Ceiling(q * sorted.Count) - 1, 0, sorted.Count - 1)];

    private static int Arg(string[] args, string name, int fallback) =>
        Value(args, name) is { } text ? int.Parse(text, CultureInfo.InvariantCulture) : fallback;

    private static string? Value(string[] args, string name)
    {
        int i = Array.IndexOf(args, name);
        return i >= 0 && i + 1 < args.Length ? args[i + 1] : null;
    }

    private static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
