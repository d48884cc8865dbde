using System.Globalization;
using SbirLab.Core.Configs;
using SbirLab.Core.Runs;
using SbirLab.Store;

namespace SbirLab.Runs.Tests;

/// <summary>
/// Test double of the trainer with the trainer's contract: steps numbered from the checkpoint it resumes
/// from, the stop token checked before every step (then a checkpoint at that step and
/// <see cref="RunStatus.Stopped"/>), a checkpoint at every epoch end (epoch + 1, batch 0), epoch figures
/// after it. The loss of step s is 1 / (s + 1), so a test can tell every stored value from its step.
/// </summary>
internal sealed class ScriptedExecutor(int epochs, int stepsPerEpoch) : IRunExecutor
{
    private int _running;
    private int _peak;

    public TimeSpan StepTime { get; init; }

    /// <summary>The GPUs this executor claims to see (a worker may then offer cuda:0 to cuda:GpuCount-1).</summary>
    public int GpuCount { get; init; }

    /// <summary>Called on the training thread after each step is reported, with the run's config name and the step.</summary>
    public Action<string, long>? AfterStep { get; init; }

    /// <summary>Called before the run is reported started, as the trainer loads the data set (throwing there fails the run before the trainer starts).</summary>
    public Action<RunConfig>? BeforeStart { get; init; }

    /// <summary>Figures added to each epoch's (the config and the 0-based epoch in; a sweep's metric, say).</summary>
    public Func<RunConfig, int, IReadOnlyDictionary<string, double>>? EpochFigures { get; init; }

    public int PeakConcurrency => Volatile.Read(ref _peak);

    public List<(string Name, long StartStep)> Starts { get; } = [];

    /// <summary>The configs the runs were handed, in start order.</summary>
    public List<RunConfig> Configs { get; } = [];

    public RunOutcome Execute(ValidatedConfig config, RunFolder folder, ITrainingObserver observer, CheckpointInfo? resumeFrom, CancellationToken stop)
    {
        int now = Interlocked.Increment(ref _running);
        InterlockedMax(ref _peak, now);
        try { return Train(config.Config, folder, observer, resumeFrom, stop); }
        finally { Interlocked.Decrement(ref _running); }
    }

    private RunOutcome Train(RunConfig config, RunFolder folder, ITrainingObserver observer, CheckpointInfo? resumeFrom, CancellationToken stop)
    {
        folder.Create();
        BeforeStart?.Invoke(config);
        var start = resumeFrom is null ? new CheckpointInfo("", 0, 0, 0) : Read(resumeFrom.Path);
        lock (Starts)
        {
            Starts.Add((config.Name, start.Step));
            Configs.Add(config);
        }
        observer.OnStart(new RunStart("scripted", start.Epoch, start.Step, epochs, stepsPerEpoch, (long)epochs * stepsPerEpoch, 8, "scripted"));
        long step = start.Step;
        CheckpointInfo? last = resumeFrom;
        for (int epoch = start.Epoch; epoch < epochs; epoch++)
        {
            for (int batch = epoch == start.Epoch ? start.BatchInEpoch : 0; batch < stepsPerEpoch; batch++, step++)
            {
                if (stop.IsCancellationRequested)
                {
                    last = Save(folder, observer, epoch, batch, step);
                    return Finish(observer, RunStatus.Stopped, $"stopped at step {step}", step, epoch, last);
                }
                observer.OnStep(new StepMetrics(step, epoch, new Dictionary<string, double> { ["loss"] = 1.0 / (step + 1), ["lr"] = 0.1 }));
                AfterStep?.Invoke(config.Name, step);
                if (StepTime > TimeSpan.Zero) Thread.Sleep(StepTime);
            }
            last = Save(folder, observer, epoch + 1, 0, step);
            var figures = new Dictionary<string, double> { ["loss"] = 1.0 / step };
            foreach (var (name, value) in EpochFigures?.Invoke(config, epoch) ?? new Dictionary<string, double>()) figures[name] = value;
            observer.OnEpoch(new EpochMetrics(epoch, step, figures));
        }
        observer.OnLog("done");
        return Finish(observer, RunStatus.Completed, "completed", step, epochs, last);
    }

    private static RunOutcome Finish(ITrainingObserver observer, RunStatus status, string message, long steps, int epochs, CheckpointInfo? last)
    {
        var outcome = new RunOutcome(status, message, steps, epochs, last);
        observer.OnFinish(outcome);
        return outcome;
    }

    private static CheckpointInfo Save(RunFolder folder, ITrainingObserver observer, int epoch, int batch, long step)
    {
        Directory.CreateDirectory(folder.Checkpoints);
        string path = batch == 0 && epoch > 0 ? folder.EpochCheckpoint(epoch) : folder.LastCheckpoint;
        File.WriteAllText(path, string.Create(CultureInfo.InvariantCulture, $"{epoch} {batch} {step}"));
        var info = new CheckpointInfo(path, epoch, batch, step);
        observer.OnCheckpoint(info);
        return info;
    }

    /// <summary>Reads the position from the checkpoint file itself, as the trainer does.</summary>
    private static CheckpointInfo Read(string path)
    {
        var parts = File.ReadAllText(path).Split(' ').Select(p => long.Parse(p, CultureInfo.InvariantCulture)).ToArray();
        return new CheckpointInfo(path, (int)parts[0], (int)parts[1], parts[2]);
    }

    private static void InterlockedMax(ref int target, int value)
    {
        int current;
        while (value > (current = Volatile.Read(ref target)) && Interlocked.CompareExchange(ref target, value, current) != current) { }
    }
}
