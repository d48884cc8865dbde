using SbirLab.Engine.Training;
using SbirLab.Store.Entities;

namespace SbirLab.Store;

/// <summary>
/// Records a run's progress in the store. Step and epoch figures and log lines go to the batch writer
/// (the training thread only appends to a queue); the rare events (start, checkpoint, evaluation)
/// are written at once, after the pending points, so the database never holds a checkpoint whose
/// metrics are missing. An end-of-epoch checkpoint is recorded only after that epoch's figures (the
/// trainer saves it before it evaluates), so a process killed in between resumes from the previous
/// epoch instead of skipping an epoch's figures. On start it deletes whatever an earlier attempt
/// stored past the restart point.
/// </summary>
public sealed class StoreObserver(RunStore store, long runId) : ITrainingObserver
{
    private CheckpointInfo? _epochCheckpoint;
    private long _lastStep = -1;
    private int _epochsCompleted;

    public long RunId => runId;

    /// <summary>Steps done so far (the last logged step + 1), for the heartbeat.</summary>
    public long Steps => Interlocked.Read(ref _lastStep) + 1;

    public int EpochsCompleted => Volatile.Read(ref _epochsCompleted);

    public RunProgress Progress => new(runId, Steps, EpochsCompleted);

    public void OnStart(RunStart start)
    {
        store.Writer.Flush();
        store.DeleteMetricsFrom(runId, start.StartStep, start.StartEpoch);
        store.MarkStarted(runId, start);
        Interlocked.Exchange(ref _lastStep, start.StartStep - 1);
        Volatile.Write(ref _epochsCompleted, start.StartEpoch);
    }

    public void OnStep(StepMetrics step)
    {
        foreach (var (name, value) in step.Values)
            store.Writer.AddMetric(runId, MetricKind.Step, step.Step, step.Epoch, name, value);
        Interlocked.Exchange(ref _lastStep, step.Step);
    }

    public void OnEpoch(EpochMetrics epoch)
    {
        foreach (var (name, value) in epoch.Values)
            store.Writer.AddMetric(runId, MetricKind.Epoch, epoch.Step, epoch.Epoch, name, value);
        Volatile.Write(ref _epochsCompleted, epoch.Epoch + 1);
        if (_epochCheckpoint is { } checkpoint && checkpoint.Epoch == epoch.Epoch + 1) Record(checkpoint);
    }

    public void OnLog(string line) => store.Writer.AddLog(runId, line, DateTime.UtcNow);

    public void OnCheckpoint(CheckpointInfo checkpoint)
    {
        bool endOfEpoch = checkpoint.BatchInEpoch == 0 && checkpoint.Epoch > 0;
        if (endOfEpoch) _epochCheckpoint = checkpoint;
        else Record(checkpoint);
    }

    private void Record(CheckpointInfo checkpoint)
    {
        store.Writer.Flush();
        store.RecordCheckpoint(runId, checkpoint);
        _epochCheckpoint = null;
    }

    public void OnEvaluation(string evalJsonPath)
    {
        if (!File.Exists(evalJsonPath)) return;
        store.AddEvaluation(runId, File.ReadAllText(evalJsonPath), EpochsCompleted - 1, Steps);
    }

    public void OnFinish(RunOutcome outcome)
    {
        if (_epochCheckpoint is { } checkpoint) Record(checkpoint);
        store.Writer.Flush();
    }
}
