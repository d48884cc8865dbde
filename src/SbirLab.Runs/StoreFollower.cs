using SbirLab.Core.Runs;
using SbirLab.Store;
using SbirLab.Store.Entities;

namespace SbirLab.Runs;

/// <summary>
/// Follows a run through the database, for runs trained by a worker in another process: turns new
/// metric rows, log lines and status changes into the same events the in-process hub sends. While the
/// run trains in this process it only keeps its read position current, and it never repeats a step,
/// an epoch or a status the subscriber has already seen.
/// </summary>
internal sealed class StoreFollower(RunStore store, long runId, Func<bool> isLocal)
{
    private bool _started;
    private bool _deleted;
    private RunStatus? _status;
    private long _metricId;
    private long _logId;
    private long _lastStep = -1;
    private int _lastEpoch = -1;
    private int _announcedAttempt;

    /// <summary>
    /// Notes an event the subscriber received from the hub; false for a step or an epoch this follower already told from
    /// the database (a notification can wake a read of the rows before the hub's copies of them are read).
    /// </summary>
    public bool Saw(RunEvent runEvent)
    {
        switch (runEvent)
        {
            case RunStatusChanged changed: _status = changed.Status; break;
            case RunStepEvent step:
                if (step.Metrics.Step <= _lastStep) return false;
                _lastStep = step.Metrics.Step;
                break;
            case RunEpochEvent epoch:
                if (epoch.Metrics.Epoch <= _lastEpoch) return false;
                _lastEpoch = epoch.Metrics.Epoch;
                break;
            case RunStarted started:
                _lastStep = started.Start.StartStep - 1;
                _lastEpoch = started.Start.StartEpoch - 1;
                _announcedAttempt = int.MaxValue; // this process trains it: the hub told the start
                break;
            case RunDeleted: _deleted = true; break;
        }
        return true;
    }

    /// <summary>Events stored since the last poll (only the current status on the first poll).</summary>
    public IReadOnlyList<RunEvent> Poll()
    {
        if (_deleted) return [];
        var events = new List<RunEvent>();
        var run = store.Find(runId);
        if (run is null)
        {
            _deleted = true;
            return [new RunDeleted(runId)];
        }
        if (!_started || isLocal())
        {
            (_metricId, _logId) = store.LatestIds(runId);
            if (!_started) _lastStep = run.Steps - 1;
            _started = true;
        }
        else
        {
            ReadMetrics(events);
            ReadLog(events);
            AnnounceStart(run, events);
        }
        if (run.Status != _status)
        {
            _status = run.Status;
            events.Add(new RunStatusChanged(runId, run.Status, run.Message));
        }
        return events;
    }

    private void ReadMetrics(List<RunEvent> events)
    {
        var points = store.Metrics(runId, afterId: _metricId);
        if (points.Count == 0) return;
        _metricId = points.Max(p => p.Id);
        foreach (var step in points.Where(p => p.Kind == MetricKind.Step && p.Step > _lastStep).GroupBy(p => p.Step).OrderBy(g => g.Key))
        {
            events.Add(new RunStepEvent(runId, new StepMetrics(step.Key, step.First().Epoch, Values(step))));
            _lastStep = step.Key;
        }
        foreach (var epoch in points.Where(p => p.Kind == MetricKind.Epoch && p.Epoch > _lastEpoch).GroupBy(p => p.Epoch).OrderBy(g => g.Key))
        {
            events.Add(new RunEpochEvent(runId, new EpochMetrics(epoch.Key, epoch.First().Step, Values(epoch))));
            _lastEpoch = epoch.Key;
        }
    }

    /// <summary>
    /// Tells the subscriber the run's length once per attempt, when its worker has recorded the start (a worker elsewhere
    /// sends no <see cref="RunStarted"/> through this process's hub). It starts after the last step already told, so
    /// nothing the subscriber holds is dropped; the points of a resumed attempt come as they are read.
    /// </summary>
    private void AnnounceStart(RunRecord run, List<RunEvent> events)
    {
        if (run.TotalSteps <= 0 || run.Status != RunStatus.Running || run.Attempts == _announcedAttempt) return;
        _announcedAttempt = run.Attempts;
        int stepsPerEpoch = (int)Math.Min(int.MaxValue, run.TotalSteps / Math.Max(1, run.Epochs));
        events.Add(new RunStarted(runId, new RunStart(run.Device ?? "", _lastEpoch + 1, _lastStep + 1, run.Epochs, stepsPerEpoch, run.TotalSteps, 0, "")));
    }

    private void ReadLog(List<RunEvent> events)
    {
        foreach (var line in store.Log(runId, afterId: _logId))
        {
            events.Add(new RunLogEvent(runId, line.Text) { Time = line.Time });
            _logId = line.Id;
        }
    }

    private static Dictionary<string, double> Values(IEnumerable<MetricPoint> points) =>
        points.GroupBy(p => p.Name).ToDictionary(g => g.Key, g => g.Last().Value ?? double.NaN);
}
