using SbirLab.Core.Evaluations;
using SbirLab.Core.Runs;
using SbirLab.Store.Entities;

namespace SbirLab.Store;

/// <summary>
/// Records a run's progress in the store. Step and epoch figures and log lines go to the batch writer
/// (the training thread only appends to a queue); the rare events (start, checkpoint, evaluation)
/// are written at once, after the pending points, so the database never holds a checkpoint whose
/// metrics are missing. It is the run's one history: the run folder keeps artifacts only. The trainer reports an epoch's figures before it saves the epoch's
/// checkpoint, so a process killed in between resumes from the previous epoch instead of skipping an
/// epoch's figures. On start it deletes whatever an earlier attempt stored past the restart point. Given the worker that
/// holds the run, the start and the checkpoints are recorded only while it still holds it (<see cref="LeaseLostException"/>
/// otherwise, which ends the training).
/// </summary>
public sealed class StoreObserver(RunStore store, long runId, WorkerIdentity? holder = null) : ITrainingObserver
{
    private long _lastStep = -1;
    private int _epochsCompleted;

    public long RunId => runId;

    /// <summary>Steps done so far (the last logged step + 1), for the heartbeat.</summary>
    public long Steps => Interlocked.Read(ref _lastStep) + 1;

    public int EpochsCompleted => Volatile.Read(ref _epochsCompleted);

    public RunProgress Progress => new(runId, Steps, EpochsCompleted);

    /// <summary>An observer of a run that is not training (<c>sbirlab eval</c> of a finished run): its evaluation counts at the run's last epoch and step.</summary>
    public static StoreObserver Of(RunStore store, Entities.RunRecord run)
    {
        ArgumentNullException.ThrowIfNull(run);
        var observer = new StoreObserver(store, run.Id);
        observer._lastStep = run.Steps - 1;
        observer._epochsCompleted = run.EpochsCompleted;
        return observer;
    }


    public void OnStart(RunStart start)
    {
        store.Writer.Flush();
        store.DeleteMetricsFrom(runId, start.StartStep, start.StartEpoch, holder);
        store.MarkStarted(runId, start, holder);
        store.RecordProvenance(runId, start.Provenance ?? RunProvenance.Capture());
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
    }

    public void OnLog(string line) => store.Writer.AddLog(runId, line, DateTime.UtcNow);

    public void OnCheckpoint(CheckpointInfo checkpoint)
    {
        store.Writer.Flush();
        store.RecordCheckpoint(runId, checkpoint, holder);
    }

    public void OnEvaluation(EvaluationResult evaluation)
    {
        store.Writer.Flush();
        store.AddEvaluation(runId, evaluation, EpochsCompleted - 1, Steps);
    }

    /// <summary>The points stored before the restart (those past it were deleted at <see cref="OnStart"/>).</summary>
    public RunHistory HistoryBefore(RunStart start) => History();

    /// <summary>The run's stored figures (of a finished run: the history its pictures are drawn from).</summary>
    public RunHistory History()
    {
        var steps = store.Metrics(runId, MetricKind.Step).Where(p => p.Value is not null).GroupBy(p => p.Step).OrderBy(g => g.Key)
            .Select(g => new StepMetrics(g.Key, g.First().Epoch, g.GroupBy(p => p.Name).ToDictionary(n => n.Key, n => n.Last().Value!.Value))).ToList();
        var epochs = store.Metrics(runId, MetricKind.Epoch).Where(p => p.Value is not null).GroupBy(p => p.Epoch).OrderBy(g => g.Key)
            .Select(g => new EpochMetrics(g.Key, g.Max(p => p.Step), g.GroupBy(p => p.Name).ToDictionary(n => n.Key, n => n.Last().Value!.Value))).ToList();
        return new RunHistory(steps, epochs);
    }

    public void OnFinish(RunOutcome outcome) => store.Writer.Flush();
}
