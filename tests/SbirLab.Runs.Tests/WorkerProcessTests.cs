using System.Diagnostics;
using SbirLab.Core.Configs;
using SbirLab.Core.Runs;
using SbirLab.Store;
using SbirLab.Store.Entities;

namespace SbirLab.Runs.Tests;

/// <summary>
/// The worker as a separate process (the built <c>sbirlab.dll</c> run with <c>dotnet</c>), training a
/// real tiny FashionMNIST run with the engine, against the store's SQLite file.
/// </summary>
[Collection(WorkerProcesses.Name)]
public sealed class WorkerProcessTests(Xunit.Abstractions.ITestOutputHelper output) : IDisposable
{
    private const int Epochs = 4;
    private const int StepsPerEpoch = 10;
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(90);
    private readonly TempStore _temp = new();
    private readonly List<Process> _started = [];

    /// <summary>Kills any worker a failed assertion left running, so no test leaves a process behind.</summary>
    public void Dispose()
    {
        foreach (var process in _started)
        {
            try
            {
                if (!process.HasExited) process.Kill(entireProcessTree: true);
            }
            catch (InvalidOperationException) { /* already gone */ }
            process.Dispose();
        }
        _temp.Dispose();
    }

    [Fact]
    public void A_worker_killed_mid_run_leaves_it_interrupted_and_the_resumed_run_has_every_step_exactly_once()
    {
        long id = _temp.Store.Queue(TinyRun());
        var worker = Sbirlab("worker"); // killed and disposed by Dispose if an assertion fails first
        {
            // kill once the run is past its first epoch checkpoint (step 10) and a few steps into the second epoch
            WaitFor(() => _temp.Store.Metrics(id, MetricKind.Step, "loss").Any(p => p.Step >= StepsPerEpoch + 3), worker);
            worker.Kill(); // SIGKILL: no chance to record anything
            worker.WaitForExit();
        }
        var killed = _temp.Store.Find(id)!;
        Assert.Equal(RunStatus.Running, killed.Status);
        long lastStepBeforeKill = _temp.Store.Metrics(id, MetricKind.Step, "loss").Max(p => p.Step);
        Assert.InRange(lastStepBeforeKill, StepsPerEpoch + 3, Epochs * StepsPerEpoch - 2);
        // The metric writer flushes in batches, so the worker may be an epoch further than the rows we saw.
        Assert.NotNull(killed.CheckpointStep);
        long checkpoint = killed.CheckpointStep.Value;
        Assert.Equal(0, checkpoint % StepsPerEpoch);
        Assert.InRange(checkpoint, StepsPerEpoch, (Epochs - 1) * StepsPerEpoch);
        output.WriteLine($"killed with steps 0..{lastStepBeforeKill} stored, last checkpoint at step {checkpoint}");

        var restarted = Sbirlab("worker"); // a new worker finds the run's worker gone
        {
            WaitFor(() => _temp.Store.Find(id)!.Status != RunStatus.Running, restarted);
            var interrupted = _temp.Store.Find(id)!;
            Assert.Equal(RunStatus.Interrupted, interrupted.Status);
            Assert.Contains("stopped renewing at", interrupted.Message);
            Assert.Equal(checkpoint, interrupted.CheckpointStep); // the end of the last whole epoch

            _temp.Store.Requeue(id); // what `sbirlab runs resume` and the web lab's resume button do
            WaitFor(() => _temp.Store.Find(id)!.Status is not (RunStatus.Queued or RunStatus.Running), restarted);
            restarted.Kill();
            restarted.WaitForExit();
        }

        var done = _temp.Store.Find(id)!;
        Assert.Equal(RunStatus.Completed, done.Status);
        Assert.Equal(2, done.Attempts);
        var losses = _temp.Store.Metrics(id, MetricKind.Step, "loss");
        Assert.Equal(Enumerable.Range(0, Epochs * StepsPerEpoch).Select(s => (long)s), losses.Select(p => p.Step));
        // steps before the checkpoint are the first attempt's rows (kept), the rest were written again after the resume
        Assert.True(losses.Take((int)checkpoint).Max(p => p.Id) < losses.Skip((int)checkpoint).Min(p => p.Id));
        foreach (var name in _temp.Store.Metrics(id, MetricKind.Step).Select(p => p.Name).Distinct())
            Assert.Equal(Epochs * StepsPerEpoch, _temp.Store.Metrics(id, MetricKind.Step, name).Select(p => p.Step).Distinct().Count());
        Assert.Equal(Enumerable.Range(0, Epochs), _temp.Store.Metrics(id, MetricKind.Epoch, "loss").Select(p => p.Epoch));
        Assert.Single(_temp.Store.Evaluations(id));
        output.WriteLine($"resumed from step {checkpoint}; completed with {losses.Count} loss points for steps 0..{losses[^1].Step}, each once; {done.Message}");
    }

    [Fact]
    public void Runs_stop_from_the_command_line_stops_a_run_that_a_worker_process_trains()
    {
        long id = _temp.Store.Queue(TinyRun() with { Training = TinyRun().Training with { Epochs = 50 } });
        var worker = Sbirlab("worker", "--exit-when-idle");
        WaitFor(() => _temp.Store.Metrics(id, MetricKind.Step, "loss").Count >= 3, worker);

        RunToExit("runs", "stop", $"{id}");
        Assert.True(worker.WaitForExit(Patience), "the worker did not stop the run");

        var run = _temp.Store.Find(id)!;
        Assert.Equal(RunStatus.Stopped, run.Status);
        Assert.Equal(run.Steps, run.CheckpointStep);
        Assert.True(run.Steps < 50 * StepsPerEpoch);
        Assert.Equal(Enumerable.Range(0, (int)run.Steps).Select(s => (long)s), _temp.Store.Metrics(id, MetricKind.Step, "loss").Select(p => p.Step));
    }

    /// <summary>Seed 004's ConvNet on 500 FashionMNIST images, batches of 20: 10 steps per epoch, a small evaluation at the end.</summary>
    private static RunConfig TinyRun() => new()
    {
        Name = "tiny",
        Batch = new BatchConfig { Size = 20 },
        Optimizer = new OptimizerConfig { LearningRate = 0.05 },
        Training = new TrainingConfig { Epochs = Epochs, MaxStepsPerEpoch = StepsPerEpoch, EvaluateEvery = 0 },
        Data = new DataConfig { TrainLimit = 500, Workers = 0 },
        Evaluation = new EvaluationConfig { PerClass = 5, Queries = 10, PrecisionAtK = [1, 5] },
    };

    private Process Sbirlab(params string[] arguments)
    {
        var start = new ProcessStartInfo("dotnet") { UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true };
        start.ArgumentList.Add(CliPath());
        foreach (var argument in arguments) start.ArgumentList.Add(argument);
        start.ArgumentList.Add("--data");
        start.ArgumentList.Add(_temp.Root);
        start.Environment[RunStore.LeaseVariable] = "5"; // a killed worker's run is noticed five seconds after its last heartbeat
        var process = Process.Start(start)!;
        _started.Add(process);
        process.OutputDataReceived += (_, _) => { };
        process.ErrorDataReceived += (_, _) => { };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return process;
    }

    private void RunToExit(params string[] arguments)
    {
        using var process = Sbirlab(arguments);
        Assert.True(process.WaitForExit(Patience), $"sbirlab {string.Join(' ', arguments)} did not finish");
        Assert.Equal(0, process.ExitCode);
    }

    private static void WaitFor(Func<bool> condition, Process worker)
    {
        var deadline = DateTime.UtcNow + Patience;
        while (!condition())
        {
            Assert.False(worker.HasExited, $"the worker exited early with code {(worker.HasExited ? worker.ExitCode : 0)}");
            Assert.True(DateTime.UtcNow < deadline, "timed out");
            Thread.Sleep(20);
        }
    }

    /// <summary>The built command line: src/SbirLab.Cli/bin/&lt;configuration&gt;/net10.0/sbirlab.dll beside this test's build.</summary>
    internal static string CliPath()
    {
        var testBin = new DirectoryInfo(AppContext.BaseDirectory); // tests/SbirLab.Store.Tests/bin/<configuration>/<tfm>/
        string tfm = testBin.Name, configuration = testBin.Parent!.Name;
        string path = Path.Combine(RepoPaths.Root, "src", "SbirLab.Cli", "bin", configuration, tfm, "sbirlab.dll");
        Assert.True(File.Exists(path), $"build the CLI first: {path}");
        return path;
    }
}
