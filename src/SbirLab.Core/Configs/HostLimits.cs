using System.Globalization;

namespace SbirLab.Core.Configs;

/// <summary>
/// What the host running a lab allows a run: the folders it may read (<see cref="Roots"/>), the memory one run may
/// take (<see cref="MemoryBytes"/>), how many runs may wait in the queue and how long one may train. Limits are
/// lab-wide; <see cref="QueuedRunsFor"/> and <see cref="WallTimeFor"/> take the team a run belongs to, so per-team
/// limits need no change at their callers.
/// </summary>
public sealed record HostLimits(PathRoots Roots, long MemoryBytes, int MaxQueuedRuns, TimeSpan MaxWallTime)
{
    /// <summary>Memory one run may take, in GiB (default: three quarters of the host's memory).</summary>
    public const string MemoryVariable = "SBIRLAB_MEMORY_GB";

    /// <summary>Runs that may wait in the queue at once (default 50).</summary>
    public const string QueuedVariable = "SBIRLAB_MAX_QUEUED";

    /// <summary>Hours one run may train before it is stopped, resumable (default 24).</summary>
    public const string WallTimeVariable = "SBIRLAB_MAX_RUN_HOURS";

    /// <summary>The limits of the environment (the variables above) for a lab reading from <paramref name="roots"/>.</summary>
    public static HostLimits FromEnvironment(PathRoots roots) => new(
        roots,
        Number(MemoryVariable) is { } gib ? (long)(gib * (1L << 30)) : DefaultMemoryBytes(),
        Number(QueuedVariable) is { } queued ? (int)Math.Clamp(queued, 1, 1_000_000) : 50,
        Number(WallTimeVariable) is { } hours ? TimeSpan.FromHours(Math.Clamp(hours, 0.001, 24 * 365)) : TimeSpan.FromHours(24));

    /// <summary>Three quarters of the memory this process may use (the machine's, or its container's limit).</summary>
    public static long DefaultMemoryBytes() => GC.GetGCMemoryInfo().TotalAvailableMemoryBytes / 4 * 3;

    /// <summary>The queue limit for runs of <paramref name="team"/> (lab-wide for now: every team gets the same).</summary>
    public int QueuedRunsFor(string? team) => MaxQueuedRuns;

    /// <summary>The wall-time limit for a run of <paramref name="team"/> (lab-wide for now).</summary>
    public TimeSpan WallTimeFor(string? team) => MaxWallTime;

    private static double? Number(string variable) =>
        double.TryParse(Environment.GetEnvironmentVariable(variable), NumberStyles.Float, CultureInfo.InvariantCulture, out var value) && value > 0 ? value : null;
}

/// <summary>Thrown when queueing would pass a limit of <see cref="HostLimits"/>; the message names the limit and its setting.</summary>
public sealed class LimitExceededException(string message) : InvalidOperationException(message);
