using System.Diagnostics;
using SbirLab.Core.Configs;
using SbirLab.Core.Runs;
using SbirLab.Store;
using SbirLab.Store.Entities;

namespace SbirLab.Runs.Tests;

/// <summary>
/// Three worker processes (the built <c>sbirlab worker</c>, distinct worker ids and working folders) on one PostgreSQL
/// store and one data folder train 12 tiny FashionMNIST runs; one worker is SIGKILLed mid-run. Its run's lease runs
/// out, another worker's lease watch marks it interrupted, it is resumed (as <c>runs resume</c> does) and finishes
/// elsewhere. Every run completes, every step and epoch is stored exactly once, and no run is left running.
/// </summary>
[Collection(WorkerProcesses.Name)]
public sealed class WorkerSoakTests(Xunit.Abstractions.ITestOutputHelper output) : IDisposable
{
    private const int Runs = 12;
    private const int Epochs = 3;
    private const int StepsPerEpoch = 5;
    private static readonly TimeSpan Patience = TimeSpan.FromMinutes(6);
    private readonly List<Process> _workers = [];
    private TempStore? _temp;

    public void Dispose()
    {
        foreach (var worker in _workers)
        {
            try
            {
                if (!worker.HasExited) worker.Kill(entireProcessTree: true);
            }
            catch (InvalidOperationException) { /* already gone */ }
            worker.Dispose();
        }
        _temp?.Dispose();
    }

    [SkippableFact]
    public void Three_workers_one_killed_finish_twelve_runs_with_every_step_stored_once()
    {
        _temp = new TempStore(provider: StoreProvider.Postgres);
        var store = _temp.Store;
        var ids = Enumerable.Range(0, Runs).Select(i => store.Queue(TinyRun($"soak-{i}"))).ToList();
        for (int w = 1; w <= 3; w++) _workers.Add(StartWorker($"soak-{w}"));

        // SIGKILL soak-1 once it is past a checkpoint of a run and a few steps further
        var victim = WaitFor(() => store.List().FirstOrDefault(r => r.Status == RunStatus.Running && r.WorkerId == "soak-1"
            && r.CheckpointStep >= StepsPerEpoch && store.Metrics(r.Id, MetricKind.Step, "loss").Any(p => p.Step >= r.CheckpointStep + 1)));
        _workers[0].Kill();
        _workers[0].WaitForExit();
        output.WriteLine($"killed soak-1 while it trained run {victim.Id} (checkpoint at step {victim.CheckpointStep})");

        var resumed = new HashSet<long>();
        WaitFor(() =>
        {
            foreach (var run in store.List(new RunQuery(RunStatus.Interrupted)))
            {
                output.WriteLine($"run {run.Id}: {run.Message}; resumed");
                store.Requeue(run.Id); // what `sbirlab runs resume` does
                resumed.Add(run.Id);
            }
            var runs = store.List();
            return runs.All(r => r.Status is RunStatus.Completed or RunStatus.Failed) ? runs : null;
        });

        var done = store.List();
        Assert.All(done, r => Assert.Equal(RunStatus.Completed, r.Status));
        Assert.DoesNotContain(done, r => r.Status == RunStatus.Running);
        Assert.Contains(victim.Id, resumed);
        var again = store.Find(victim.Id)!;
        Assert.Equal(2, again.Attempts);
        Assert.NotEqual("soak-1", again.WorkerId); // finished on another worker
        foreach (long id in ids) AssertEveryStepOnce(store, id);
        output.WriteLine($"{done.Count} runs completed; run {victim.Id} resumed from step {victim.CheckpointStep} by {again.WorkerId}; "
            + $"{done.Count * Epochs * StepsPerEpoch} steps, each stored once; workers: "
            + string.Join(", ", done.GroupBy(r => r.WorkerId).OrderBy(g => g.Key).Select(g => $"{g.Key} {g.Count()}")));
    }

    private static void AssertEveryStepOnce(RunStore store, long id)
    {
        foreach (var name in store.Metrics(id, MetricKind.Step).Select(p => p.Name).Distinct())
            Assert.Equal(Enumerable.Range(0, Epochs * StepsPerEpoch).Select(s => (long)s), store.Metrics(id, MetricKind.Step, name).Select(p => p.Step));
        Assert.Equal(Enumerable.Range(0, Epochs), store.Metrics(id, MetricKind.Epoch, "loss").Select(p => p.Epoch));
    }

    /// <summary>Seed 004's ConvNet on 300 FashionMNIST images: 5 steps an epoch, 3 epochs, a small evaluation at the end.</summary>
    private static RunConfig TinyRun(string name) => new()
    {
        Name = name,
        Batch = new BatchConfig { Size = 20 },
        Optimizer = new OptimizerConfig { LearningRate = 0.05 },
        Training = new TrainingConfig { Epochs = Epochs, MaxStepsPerEpoch = StepsPerEpoch, EvaluateEvery = 0 },
        Data = new DataConfig { TrainLimit = 300, Workers = 0 },
        Evaluation = new EvaluationConfig { PerClass = 3, Queries = 6, PrecisionAtK = [1] },
    };

    private Process StartWorker(string workerId)
    {
        string workingFolder = Path.Combine(_temp!.Root, "work", workerId);
        Directory.CreateDirectory(workingFolder);
        var start = new ProcessStartInfo("dotnet")
        {
            UseShellExecute = false,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            WorkingDirectory = workingFolder,
        };
        foreach (var argument in new[] { WorkerProcessTests.CliPath(), "worker", "--worker-id", workerId, "--data", _temp.Root, "--store", _temp.Connection.ConnectionString })
            start.ArgumentList.Add(argument);
        start.Environment[RunStore.LeaseVariable] = "5"; // short, so the test is quick; long enough for a loaded machine's heartbeats
        var process = Process.Start(start)!;
        process.OutputDataReceived += (_, line) => Log(workerId, line.Data);
        process.ErrorDataReceived += (_, line) => Log(workerId, line.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return process;
    }

    /// <summary>A worker's line in the test's output; lines after the test ended have nowhere to go.</summary>
    private void Log(string workerId, string? line)
    {
        if (line is null) return;
        try { output.WriteLine($"[{workerId}] {line}"); }
        catch (InvalidOperationException) { /* the test is over */ }
    }

    private T WaitFor<T>(Func<T?> found) where T : class
    {
        var deadline = DateTime.UtcNow + Patience;
        while (true)
        {
            if (found() is { } value) return value;
            Assert.True(_workers.Skip(1).All(w => !w.HasExited), "a worker that was not killed exited");
            Assert.True(DateTime.UtcNow < deadline, "timed out");
            Thread.Sleep(100);
        }
    }
}

/// <summary>The tests that start worker processes run one after another: together they would starve each other's heartbeats.</summary>
[CollectionDefinition(Name)]
public sealed class WorkerProcesses
{
    public const string Name = "worker processes";
}
