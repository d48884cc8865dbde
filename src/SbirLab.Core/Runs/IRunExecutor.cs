using SbirLab.Core.Configs;

namespace SbirLab.Core.Runs;

/// <summary>
/// Trains one run. The run service calls it on a thread of its own; it reports progress to
/// <paramref name="observer"/>, resumes from <paramref name="resumeFrom"/> when given, and returns
/// <see cref="RunStatus.Stopped"/> (after saving a checkpoint) within one step of <paramref name="stop"/> firing.
/// The config was checked at the start of execution (<see cref="ConfigValidator.ForStart"/>); the executor trusts it.
/// </summary>
public interface IRunExecutor
{
    RunOutcome Execute(ValidatedConfig config, RunFolder folder, ITrainingObserver observer, CheckpointInfo? resumeFrom, CancellationToken stop);

    /// <summary>GPUs this executor can use; the worker runs one run per GPU (one on CPU) unless told otherwise.</summary>
    int GpuCount => 0;
}
