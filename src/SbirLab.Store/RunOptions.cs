using SbirLab.Core.Runs;

namespace SbirLab.Store;

/// <summary>
/// What a caller may add to a config when queueing it: a display name, an experiment, tags, the run it derives from
/// and the team it belongs to (null: the default team).
/// </summary>
public sealed record RunOptions(
    string? Name = null,
    string? Experiment = null,
    IReadOnlyList<string>? Tags = null,
    long? ParentRunId = null,
    long? TeamId = null);

/// <summary>
/// Filters for <see cref="RunStore.List"/>; null fields match everything (<see cref="Ids"/>: only those runs). <see cref="ReadableBy"/> keeps only the runs
/// that caller may read (<see cref="Accounts.AccessPolicy"/>): every front end that serves people sets it.
/// </summary>
public sealed record RunQuery(
    RunStatus? Status = null,
    string? Experiment = null,
    string? Tag = null,
    int? Limit = null,
    Accounts.Caller? ReadableBy = null,
    IReadOnlyCollection<long>? Ids = null);

/// <summary>
/// The process that claims runs. <see cref="Id"/> names it among the workers of one store (<c>sbirlab worker
/// --worker-id</c>, default host:pid): its claims are leases that only it renews; host and process id say where it ran.
/// </summary>
public sealed record WorkerIdentity(string Host, int Pid, DateTime ProcessStart)
{
    /// <summary>This process.</summary>
    public static WorkerIdentity Current { get; } = CreateCurrent();

    /// <summary>The worker's name in the store (at most 200 characters).</summary>
    public string Id { get; init; } = $"{Host}:{Pid}";

    /// <summary>This process under another name (<c>--worker-id</c>).</summary>
    /// <exception cref="ArgumentException">The name is empty or longer than 200 characters.</exception>
    public WorkerIdentity Named(string? id)
    {
        if (id is null) return this;
        string trimmed = id.Trim();
        if (trimmed.Length is 0 or > 200) throw new ArgumentException($"--worker-id '{id}': 1 to 200 characters");
        return this with { Id = trimmed };
    }

    public override string ToString() => Id == $"{Host}:{Pid}" ? Id : $"{Id} ({Host}:{Pid})";

    private static WorkerIdentity CreateCurrent()
    {
        using var process = System.Diagnostics.Process.GetCurrentProcess();
        return new WorkerIdentity(Environment.MachineName, process.Id, process.StartTime.ToUniversalTime());
    }
}

/// <summary>Progress of a run that the worker's heartbeat writes (the training thread only updates memory).</summary>
public sealed record RunProgress(long RunId, long Steps, int EpochsCompleted);

/// <summary>
/// What a worker's free slot may take (<see cref="RunStore.ClaimNext"/>): runs of one of <paramref name="Queues"/> whose
/// device kind is <paramref name="Device"/>'s or unspecified; the claimed run is pinned to <paramref name="Device"/>.
/// </summary>
public sealed record ClaimFilter(IReadOnlyList<string> Queues, WorkerDevice Device)
{
    /// <summary>Whether a run of <paramref name="queue"/> that needs <paramref name="deviceKind"/> (null: any) fits.</summary>
    public bool Takes(string queue, string? deviceKind) =>
        Queues.Contains(queue, StringComparer.Ordinal) && (deviceKind is null || deviceKind == Device.Kind.Text());
}
