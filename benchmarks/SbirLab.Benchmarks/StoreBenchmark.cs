using System.Diagnostics;
using System.Globalization;
using Microsoft.Data.Sqlite;
using SbirLab.Core.Configs;
using SbirLab.Core.Runs;
using SbirLab.Engine.Training;
using SbirLab.Runs;
using SbirLab.Store;
using SbirLab.Store.Entities;

namespace SbirLab.Benchmarks;

/// <summary>
/// The run store's two figures. (1) Metric points written per second, sustained, through the path a
/// training run uses (<see cref="StoreObserver"/> → batch writer → SQLite in WAL mode), with a chart
/// polling the table meanwhile; goal ≥ 10,000/s. (2) The training slowdown caused by logging every
/// step: a real seed-004 ConvNet run trained by the engine with every step stored (store, run folder
/// CSV, live events) against the same run with no observer but a clock, alternated; goal &lt; 2 %.
/// The time the store's observers take on the training thread is also measured directly.
/// </summary>
public static class StoreBenchmark
{
    public static void Run(string[] args)
    {
        int points = Arg(args, "--points", 1_000_000);
        int steps = Arg(args, "--steps", 60);
        int repeats = Arg(args, "--repeats", 3);
        string root = Path.Combine(Path.GetTempPath(), "sbirlab-store-bench-" + Environment.ProcessId);
        try
        {
            WriteThroughput(new DataFolder(Path.Combine(root, "writes")), points);
            TrainingSlowdown(new DataFolder(Path.Combine(root, "training")), steps, repeats);
        }
        finally
        {
            SqliteConnection.ClearAllPools();
            if (Directory.Exists(root)) Directory.Delete(root, recursive: true);
        }
    }

    /// <summary>Steps of 5 figures each (as the trainer logs: loss, lr, items/s, loss_ce, accuracy) through the store observer.</summary>
    private static void WriteThroughput(DataFolder data, int points)
    {
        using var store = RunStore.Open(data);
        long id = store.Queue(new RunConfig { Name = "bench" });
        var observer = new StoreObserver(store, id);
        observer.OnStart(new RunStart("cpu", 0, 0, 1, points / 5, points / 5, 100, "bench"));
        var values = new Dictionary<string, double> { ["loss"] = 1, ["lr"] = 0.1, ["items_per_s"] = 500, ["loss_ce"] = 1, ["accuracy"] = 0.5 };
        using var stopReading = new CancellationTokenSource();
        long polls = 0;
        var reader = new Thread(() => Poll(data, id, stopReading.Token, ref polls)) { IsBackground = true };
        reader.Start();

        long committedBefore = store.Writer.Committed;
        var watch = Stopwatch.StartNew();
        double slowestCallMs = 0;
        for (int step = 0; step < points / 5; step++)
        {
            long before = Stopwatch.GetTimestamp();
            observer.OnStep(new StepMetrics(step, 0, values));
            slowestCallMs = Math.Max(slowestCallMs, Stopwatch.GetElapsedTime(before).TotalMilliseconds);
        }
        var enqueued = watch.Elapsed;
        store.Writer.Flush(TimeSpan.FromMinutes(5));
        var committed = watch.Elapsed;
        stopReading.Cancel();
        reader.Join();

        long written = store.Writer.Committed - committedBefore;
        long rows = store.LatestIds(id).MetricId;
        Console.WriteLine($"metric points: {written:N0} written in {committed.TotalSeconds:F2} s with a reader polling ({polls} polls), {rows:N0} rows in the table");
        Console.WriteLine(Invariant($"  sustained write rate: {written / committed.TotalSeconds:N0} points/s (goal >= 10,000/s)"));
        Console.WriteLine(Invariant($"  on the training thread: {enqueued.TotalMilliseconds * 1000 / (points / 5):F2} µs per step of 5 figures, slowest call {slowestCallMs:F2} ms"));
    }

    private static void Poll(DataFolder data, long runId, CancellationToken stop, ref long polls)
    {
        using var store = RunStore.Open(data);
        long after = 0;
        while (!stop.IsCancellationRequested)
        {
            var fresh = store.Metrics(runId, MetricKind.Step, "loss", afterId: after);
            if (fresh.Count > 0) after = fresh[^1].Id;
            polls++;
            Thread.Sleep(250); // a chart refreshing four times a second
        }
    }

    private static void TrainingSlowdown(DataFolder data, int steps, int repeats)
    {
        var config = new RunConfig
        {
            Name = "bench",
            Batch = new BatchConfig { Size = 100 },
            Optimizer = new OptimizerConfig { LearningRate = 0.05 },
            Training = new TrainingConfig { Epochs = 1, MaxStepsPerEpoch = steps, EvaluateEvery = 0, LogEvery = 1 },
            Data = new DataConfig { TrainLimit = 100 * steps, Workers = 1 },
            Evaluation = new EvaluationConfig { PerClass = 5, Queries = 10, PrecisionAtK = [1] },
        };
        using var store = RunStore.Open(data);
        using var service = new RunService(store);
        var executor = new EngineRunExecutor();
        Console.WriteLine($"training: seed-004 ConvNet, batch 100, {steps} steps per run, every step logged; {repeats} runs each way, alternated");
        Measure(config, data, null, executor); // warm-up: loads torch and the data once
        var plain = new List<double>();
        var logged = new List<double>();
        var observerShare = new List<double>();
        for (int r = 0; r < repeats; r++)
        {
            plain.Add(Measure(config, data, null, executor).MsPerStep);
            var (ms, share) = Measure(config, data, service, executor);
            logged.Add(ms);
            observerShare.Add(share);
        }
        double plainMs = Median(plain), loggedMs = Median(logged);
        Console.WriteLine(Invariant($"  ms/step without logging: {plainMs:F2} (runs: {string.Join(", ", plain.Select(v => v.ToString("F1", CultureInfo.InvariantCulture)))})"));
        Console.WriteLine(Invariant($"  ms/step logging every step to the store: {loggedMs:F2} (runs: {string.Join(", ", logged.Select(v => v.ToString("F1", CultureInfo.InvariantCulture)))})"));
        Console.WriteLine(Invariant($"  slowdown, medians: {100 * (loggedMs / plainMs - 1):F2} % (goal < 2 %; includes machine noise)"));
        Console.WriteLine(Invariant($"  time in the store's observers on the training thread: {100 * Median(observerShare):F3} % of the step time"));
    }

    /// <summary>One run; ms per step between the first and the last step event, and the share of it spent in observers.</summary>
    private static (double MsPerStep, double ObserverShare) Measure(RunConfig config, DataFolder data, RunService? service, IRunExecutor executor)
    {
        var clock = new StepClock();
        if (service is null)
        {
            var folder = new RunFolder(Path.Combine(data.Root, "plain-" + Guid.NewGuid().ToString("N")));
            executor.Execute(ConfigValidator.ForStart(config), folder, clock, null, CancellationToken.None);
        }
        else
        {
            service.RunInForeground(config, new TimedExecutor(executor, clock), extra: clock);
        }
        return (clock.MsPerStep, clock.ObserverShare);
    }

    /// <summary>Times the steps, seen from the training thread.</summary>
    private sealed class StepClock : ITrainingObserver
    {
        private long _first, _last, _steps;
        public long ObserverTicks;

        public double MsPerStep => _steps < 2 ? double.NaN : Stopwatch.GetElapsedTime(_first, _last).TotalMilliseconds / (_steps - 1);
        public double ObserverShare => _steps < 2 ? double.NaN : (double)ObserverTicks / (_last - _first);

        public void OnStep(StepMetrics step)
        {
            _last = Stopwatch.GetTimestamp();
            if (_steps++ == 0) _first = _last;
        }
    }

    /// <summary>Wraps the observer the run service hands the trainer, to time every call on the training thread.</summary>
    private sealed class TimedExecutor(IRunExecutor inner, StepClock clock) : IRunExecutor
    {
        public RunOutcome Execute(ValidatedConfig config, RunFolder folder, ITrainingObserver observer, CheckpointInfo? resumeFrom, CancellationToken stop) =>
            inner.Execute(config, folder, new Timed(observer, clock), resumeFrom, stop);
    }

    private sealed class Timed(ITrainingObserver inner, StepClock clock) : ITrainingObserver
    {
        public void OnStart(RunStart start) => inner.OnStart(start);
        public void OnStep(StepMetrics step) => Time(() => inner.OnStep(step));
        public void OnEpoch(EpochMetrics epoch) => Time(() => inner.OnEpoch(epoch));
        public void OnLog(string line) => Time(() => inner.OnLog(line));
        public void OnCheckpoint(CheckpointInfo checkpoint) => Time(() => inner.OnCheckpoint(checkpoint));
        public void OnEvaluation(SbirLab.Core.Evaluations.EvaluationResult evaluation) => inner.OnEvaluation(evaluation);
        public void OnFinish(RunOutcome outcome) => inner.OnFinish(outcome);

        private void Time(Action call)
        {
            long before = Stopwatch.GetTimestamp();
            call();
            clock.ObserverTicks += Stopwatch.GetTimestamp() - before;
        }
    }

    private static double Median(List<double> values)
    {
        var sorted = values.Order().ToList();
        return sorted.Count % 2 == 1 ? sorted[sorted.Count / 2] : (sorted[sorted.Count / 2 - 1] + sorted[sorted.Count / 2]) / 2;
    }

    private static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);

    private static int Arg(string[] args, string name, int fallback)
    {
        int i = Array.IndexOf(args, name);
        return i >= 0 && i + 1 < args.Length ? int.Parse(args[i + 1], CultureInfo.InvariantCulture) : fallback;
    }
}
