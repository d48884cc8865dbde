using SbirLab.Core.Evaluations;

namespace SbirLab.Core.Runs;

/// <summary>Lifecycle of a run, as the store and the UI show it.</summary>
public enum RunStatus
{
    Queued,
    Running,
    Completed,
    Failed,
    Stopped,
    Diverged,
    Interrupted,
}

/// <summary>Told once when training starts or resumes. Metric points at or after <see cref="StartStep"/> are new.</summary>
public sealed record RunStart(
    string Device,
    int StartEpoch,
    long StartStep,
    int Epochs,
    int StepsPerEpoch,
    long TotalSteps,
    int BatchSize,
    string Data)
{
    /// <summary>Where and with what the run runs (code, packages, host, seed, device); null from an executor that does not say.</summary>
    public RunProvenance? Provenance { get; init; }
}

/// <summary>Figures of one training step (loss parts, learning rate, throughput...).</summary>
public sealed record StepMetrics(long Step, int Epoch, IReadOnlyDictionary<string, double> Values);

/// <summary>Figures of one finished epoch: mean losses, accuracy and, when evaluated, retrieval figures.</summary>
public sealed record EpochMetrics(int Epoch, long Step, IReadOnlyDictionary<string, double> Values);

/// <summary>A saved checkpoint: where training can resume from.</summary>
public sealed record CheckpointInfo(string Path, int Epoch, int BatchInEpoch, long Step)
{
    /// <summary>For a checkpoint inside an epoch: the running sums of that epoch so far, so a resumed epoch's means cover all of it.</summary>
    public EpochProgress? Progress { get; init; }
}

/// <summary>The running sums of an epoch's steps (their means become the epoch's figures).</summary>
public sealed record EpochProgress(double Loss, double Embedding, double CrossEntropy, double Accuracy, double Seconds, int Steps, int AccuracySteps, int Items);

/// <summary>The figures of a run so far: its logged steps and its epochs.</summary>
public sealed record RunHistory(IReadOnlyList<StepMetrics> Steps, IReadOnlyList<EpochMetrics> Epochs)
{
    public static readonly RunHistory Empty = new([], []);
}

/// <summary>How a run ended.</summary>
public sealed record RunOutcome(RunStatus Status, string Message, long Steps, int EpochsCompleted, CheckpointInfo? LastCheckpoint);

/// <summary>
/// Receives a run's progress as it happens. The command line draws a progress bar from it, the store keeps it
/// (metrics, log, evaluations, maps, provenance: the run's one history) and the web lab streams it to browsers.
/// Implementations must be quick: they are called on the training thread.
/// </summary>
public interface ITrainingObserver
{
    void OnStart(RunStart start) { }
    void OnStep(StepMetrics step) { }
    void OnEpoch(EpochMetrics epoch) { }
    void OnLog(string line) { }
    void OnCheckpoint(CheckpointInfo checkpoint) { }
    void OnEvaluation(EvaluationResult evaluation) { }
    void OnFinish(RunOutcome outcome) { }

    /// <summary>
    /// The figures an earlier attempt of the run recorded before the point <paramref name="start"/> resumes from (the
    /// store's), so that what the trainer draws from its history covers the whole run; null when this observer keeps none.
    /// </summary>
    RunHistory? HistoryBefore(RunStart start) => null;
}

/// <summary>Fans every event out to several observers.</summary>
public sealed class CompositeObserver(params ITrainingObserver[] observers) : ITrainingObserver
{
    public void OnStart(RunStart start) { foreach (var o in observers) o.OnStart(start); }
    public void OnStep(StepMetrics step) { foreach (var o in observers) o.OnStep(step); }
    public void OnEpoch(EpochMetrics epoch) { foreach (var o in observers) o.OnEpoch(epoch); }
    public void OnLog(string line) { foreach (var o in observers) o.OnLog(line); }
    public void OnCheckpoint(CheckpointInfo checkpoint) { foreach (var o in observers) o.OnCheckpoint(checkpoint); }
    public void OnEvaluation(EvaluationResult evaluation) { foreach (var o in observers) o.OnEvaluation(evaluation); }
    public void OnFinish(RunOutcome outcome) { foreach (var o in observers) o.OnFinish(outcome); }
    public RunHistory? HistoryBefore(RunStart start) => observers.Select(o => o.HistoryBefore(start)).FirstOrDefault(h => h is not null);
}
