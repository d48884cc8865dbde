using SbirLab.Core.Runs;

namespace SbirLab.Runs;

/// <summary>Something that happened to a run, as the UI receives it from <see cref="RunService.Subscribe"/>.</summary>
public abstract record RunEvent(long RunId)
{
    public DateTime Time { get; init; } = DateTime.UtcNow;
}

/// <summary>The run entered a new state (queued, running, completed, stopped, ...).</summary>
public sealed record RunStatusChanged(long RunId, RunStatus Status, string? Message) : RunEvent(RunId);

/// <summary>Training began or resumed; metric points at or after <c>Start.StartStep</c> are new.</summary>
public sealed record RunStarted(long RunId, RunStart Start) : RunEvent(RunId);

public sealed record RunStepEvent(long RunId, StepMetrics Metrics) : RunEvent(RunId);

public sealed record RunEpochEvent(long RunId, EpochMetrics Metrics) : RunEvent(RunId);

public sealed record RunLogEvent(long RunId, string Line) : RunEvent(RunId);

public sealed record RunCheckpointEvent(long RunId, CheckpointInfo Checkpoint) : RunEvent(RunId);

/// <summary>The run got an evaluation (the store holds it by the time this is published).</summary>
public sealed record RunEvaluationEvent(long RunId) : RunEvent(RunId);

/// <summary>The run and its files were deleted.</summary>
public sealed record RunDeleted(long RunId) : RunEvent(RunId);
