using SbirLab.Core.Runs;

namespace SbirLab.Store;

/// <summary>What a caller may add to a config when queueing it: a display name, an experiment, tags and the run it derives from.</summary>
public sealed record RunOptions(
    string? Name = null,
    string? Experiment = null,
    IReadOnlyList<string>? Tags = null,
    long? ParentRunId = null);

/// <summary>Filters for <see cref="RunStore.List"/>; null fields match everything.</summary>
public sealed record RunQuery(
    RunStatus? Status = null,
    string? Experiment = null,
    string? Tag = null,
    int? Limit = null);

/// <summary>The process that claims runs: its host, process id and process start time tell later whether it is still alive.</summary>
public sealed record WorkerIdentity(string Host, int Pid, DateTime ProcessStart)
{
    /// <summary>This process.</summary>
    public static WorkerIdentity Current { get; } = CreateCurrent();

    public override string ToString() => $"{Host}:{Pid}";

    private static WorkerIdentity CreateCurrent()
    {
        using var process = System.Diagnostics.Process.GetCurrentProcess();
        return new WorkerIdentity(Environment.MachineName, process.Id, process.StartTime.ToUniversalTime());
    }
}

/// <summary>Progress of a run that the worker's heartbeat writes (the training thread only updates memory).</summary>
public sealed record RunProgress(long RunId, long Steps, int EpochsCompleted);
