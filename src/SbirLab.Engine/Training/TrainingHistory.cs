using SbirLab.Core.Runs;

namespace SbirLab.Engine.Training;

/// <summary>
/// The figures the trainer's pictures are drawn from (loss per step, every epoch figure), kept in memory while the run
/// trains: what an earlier attempt recorded (the observers' <see cref="ITrainingObserver.HistoryBefore"/>, the store's
/// rows after a resume) and what this attempt reports. Of a step it keeps the loss parts only.
/// </summary>
internal sealed class TrainingHistory : ITrainingObserver
{
    private static readonly string[] LossParts = ["loss", "loss_embedding", "loss_ce"];
    private readonly List<StepMetrics> _steps = [];
    private readonly List<EpochMetrics> _epochs = [];

    /// <summary>Starts from what came before <paramref name="start"/> (points at or past it are dropped: they are about to be redone).</summary>
    public void Begin(RunStart start, RunHistory? earlier)
    {
        _steps.Clear();
        _epochs.Clear();
        if (earlier is null) return;
        _steps.AddRange(earlier.Steps.Where(s => s.Step < start.StartStep).Select(LossOnly));
        _epochs.AddRange(earlier.Epochs.Where(e => e.Epoch < start.StartEpoch));
    }

    public void OnStep(StepMetrics step) => _steps.Add(LossOnly(step));

    public void OnEpoch(EpochMetrics epoch) => _epochs.Add(epoch);

    public RunHistory Snapshot() => new([.. _steps], [.. _epochs]);

    private static StepMetrics LossOnly(StepMetrics step) =>
        step with { Values = step.Values.Where(v => LossParts.Contains(v.Key)).ToDictionary(v => v.Key, v => v.Value) };
}
