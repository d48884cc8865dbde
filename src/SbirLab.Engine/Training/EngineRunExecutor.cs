using SbirLab.Core.Configs;
using SbirLab.Core.Runs;

namespace SbirLab.Engine.Training;

/// <summary>Trains runs with the engine's <see cref="Trainer"/>.</summary>
public sealed class EngineRunExecutor : IRunExecutor
{
    public RunOutcome Execute(ValidatedConfig config, RunFolder folder, ITrainingObserver observer, CheckpointInfo? resumeFrom, CancellationToken stop) =>
        Trainer.Run(config, folder, observer, resumeFrom, stop);

    /// <summary>CUDA devices torch sees (0 on a CPU build or a machine without a GPU).</summary>
    public int GpuCount => TorchRuntime.CudaDeviceCount;
}
