using SbirLab.Runs;

namespace SbirLab.Web.Services;

/// <summary>What changed when a batch of live events was applied.</summary>
public sealed record LiveChanges(bool Curves, bool Log, bool Status, bool Epoch, bool Evaluation, bool Deleted);

/// <summary>
/// The live part of a run page: curves, log tail, rate and ETA. The page applies each batch of events once,
/// then sends the charts' new points and the progress line to the browser in one call; only the log, when it
/// grew, re-renders (its components listen to <see cref="Changed"/>).
/// </summary>
public sealed class LiveRunState(MetricHistory history, IEnumerable<string> log, int logLines)
{
    private readonly List<string> _log = [.. log];

    public MetricHistory History { get; private set; } = history;
    public IReadOnlyList<string> Log => _log;
    public EtaEstimator Eta { get; } = new(TimeSpan.FromSeconds(30));

    /// <summary>Total steps of the run as its last start announced them (0 before it starts).</summary>
    public long TotalSteps { get; set; }

    /// <summary>Raised (on the page's renderer) after a batch brought new log lines.</summary>
    public event Action? Changed;

    public LiveChanges Apply(IReadOnlyList<RunEvent> events)
    {
        bool curves = false, log = false, status = false, epoch = false, evaluation = false, deleted = false;
        foreach (var runEvent in events)
        {
            curves |= History.Apply(runEvent);
            switch (runEvent)
            {
                case RunStepEvent step: Eta.Observe(step.Time, step.Metrics.Step + 1); break;
                case RunStarted started: TotalSteps = started.Start.TotalSteps; status = true; break;
                case RunEpochEvent: epoch = true; break;
                case RunStatusChanged: status = true; break;
                case RunEvaluationEvent: evaluation = true; break;
                case RunLogEvent line: log |= AddLogLine(line); break;
                case RunDeleted: deleted = true; break;
            }
        }
        if (_log.Count > logLines) _log.RemoveRange(0, _log.Count - logLines);
        return new LiveChanges(curves, log, status, epoch, evaluation, deleted);
    }

    /// <summary>Tells the components showing the log to redraw.</summary>
    public void Notify() => Changed?.Invoke();

    /// <summary>
    /// Appends a live log line, unless the same text is among the last lines: when a run ends, the run
    /// service's store follower may deliver again lines the stream already brought.
    /// </summary>
    private bool AddLogLine(RunLogEvent line)
    {
        if (_log.TakeLast(50).Any(l => l.EndsWith(" " + line.Line, StringComparison.Ordinal))) return false;
        _log.Add($"{line.Time:yyyy-MM-dd HH:mm:ss} {line.Line}");
        return true;
    }
}
