using SbirLab.Engine.Configs;
using SbirLab.Engine.Training;
using SbirLab.Runs;
using TorchSharp;

namespace SbirLab.Web.Services;

/// <summary>The engine's trainer as the run service's executor: the web host trains the runs it queues.</summary>
public sealed class TrainerExecutor : IRunExecutor
{
    public RunOutcome Execute(RunConfig config, RunFolder folder, ITrainingObserver observer, CheckpointInfo? resumeFrom, CancellationToken stop) =>
        Trainer.Run(config, folder, observer, resumeFrom, stop);

    public int GpuCount => torch.cuda.is_available() ? torch.cuda.device_count() : 0;
}
