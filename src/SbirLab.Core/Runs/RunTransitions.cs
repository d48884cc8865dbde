namespace SbirLab.Core.Runs;

/// <summary>
/// The one table of how a run's status may change. The store checks every change against it, and the front
/// ends ask it what a run can still do (resume, delete), so no rule lives twice.
/// </summary>
public static class RunTransitions
{
    private static readonly Dictionary<RunStatus, RunStatus[]> Allowed = new()
    {
        // Claimed by a worker, stopped before it started, or failed because a run it takes weights from failed.
        [RunStatus.Queued] = [RunStatus.Running, RunStatus.Stopped, RunStatus.Failed],
        // How a run ends: by itself, by a stop request, by diverging, or because its worker went away.
        [RunStatus.Running] = [RunStatus.Completed, RunStatus.Failed, RunStatus.Stopped, RunStatus.Diverged, RunStatus.Interrupted],
        // Resumed from the last checkpoint.
        [RunStatus.Stopped] = [RunStatus.Queued],
        [RunStatus.Interrupted] = [RunStatus.Queued],
        [RunStatus.Completed] = [],
        [RunStatus.Failed] = [],
        [RunStatus.Diverged] = [],
    };

    /// <summary>Whether a run in <paramref name="from"/> may move to <paramref name="to"/>.</summary>
    public static bool Allows(RunStatus from, RunStatus to) => Allowed[from].Contains(to);

    /// <summary>The statuses from which a run may move to <paramref name="to"/>.</summary>
    public static IReadOnlyList<RunStatus> Into(RunStatus to) => [.. Allowed.Where(kv => kv.Value.Contains(to)).Select(kv => kv.Key)];

    /// <summary>Queued or running: a worker holds it or will.</summary>
    public static bool IsActive(RunStatus status) => status is RunStatus.Queued or RunStatus.Running;

    /// <summary>A stopped or interrupted run goes back to the queue and continues from its last checkpoint.</summary>
    public static bool CanResume(RunStatus status) => Allows(status, RunStatus.Queued);

    /// <summary>A run that is training must be stopped before it is deleted.</summary>
    public static bool CanDelete(RunStatus status) => status != RunStatus.Running;

    /// <summary>Throws unless the table allows the change; the message names what the run is and what the change needs.</summary>
    /// <exception cref="InvalidOperationException">The change is not allowed.</exception>
    public static void Ensure(long runId, RunStatus from, RunStatus to, string action)
    {
        if (Allows(from, to)) return;
        string needed = string.Join(" or ", Into(to).Select(Text));
        throw new InvalidOperationException($"run {runId} is {Text(from)}; only {needed} runs can be {action}");
    }

    /// <summary>The lower-case name the store, the command line and the web lab show.</summary>
    public static string Text(this RunStatus status) => status.ToString().ToLowerInvariant();
}
