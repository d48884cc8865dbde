using SbirLab.Core.Configs;

namespace SbirLab.Engine.Training;

/// <summary>
/// The learning rate as a pure function of the global step: optional linear warm-up, then cosine
/// decay (seed 000) or a constant rate. Being a function of the step alone, a resumed run follows
/// exactly the curve an uninterrupted one would.
/// </summary>
public sealed class LearningRateSchedule(ScheduleConfig schedule, double baseRate, long totalSteps, long warmupSteps)
{
    public static LearningRateSchedule For(RunConfig config, int stepsPerEpoch) =>
        new(config.Schedule, config.Optimizer.LearningRate, (long)config.Training.Epochs * stepsPerEpoch,
            (long)Math.Round(config.Schedule.WarmupEpochs * stepsPerEpoch));

    public long TotalSteps => totalSteps;

    /// <summary>The rate used for the update at <paramref name="step"/> (0-based).</summary>
    public double At(long step)
    {
        if (step < warmupSteps) return baseRate * (step + 1) / warmupSteps;
        if (schedule.Name != ScheduleKind.Cosine || totalSteps <= warmupSteps) return baseRate;
        double progress = Math.Clamp((double)(step - warmupSteps) / (totalSteps - warmupSteps), 0, 1);
        double floor = schedule.MinLearningRateFactor;
        return baseRate * (floor + (1 - floor) * 0.5 * (1 + Math.Cos(Math.PI * progress)));
    }

    /// <summary>The whole curve sampled at up to <paramref name="points"/> steps (for the web form's preview).</summary>
    public IReadOnlyList<(long Step, double Rate)> Curve(int points = 200)
    {
        long stride = Math.Max(1, totalSteps / points);
        var curve = new List<(long, double)>();
        for (long s = 0; s < totalSteps; s += stride) curve.Add((s, At(s)));
        return curve;
    }
}
