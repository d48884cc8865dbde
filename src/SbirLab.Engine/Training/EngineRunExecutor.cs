using SbirLab.Core.Configs;
using SbirLab.Core.Runs;
using TorchSharp;

namespace SbirLab.Engine.Training;

/// <summary>Trains runs with the engine's <see cref="Trainer"/>.</summary>
public sealed class EngineRunExecutor : IRunExecutor
{
    public RunOutcome Execute(RunConfig config, RunFolder folder, ITrainingObserver observer, CheckpointInfo? resumeFrom, CancellationToken stop) =>
        Trainer.Run(config, folder, observer, resumeFrom, stop);

    /// <summary>CUDA devices torch sees (0 on a CPU build or a machine without a GPU).</summary>
    public int GpuCount => torch.cuda.is_available() ? torch.cuda.device_count() : 0;
}
