using SbirLab.Core.Configs;
using SbirLab.Engine.Training;

namespace SbirLab.Web.Services;

/// <summary>The learning rate a config will follow, against epochs, with the steps per epoch it assumed.</summary>
/// <param name="StepsKnown">False when the training set's size is unknown before the run (folder data sets).</param>
public sealed record LearningRateCurve(double[] Epochs, double[] Rates, int StepsPerEpoch, bool StepsKnown);

/// <summary>
/// The new-run form's live preview of the learning-rate schedule: the engine's <see cref="LearningRateSchedule"/>
/// sampled over the run, with the steps per epoch the trainer will take (<see cref="EpochSteps.Predict"/>).
/// </summary>
public static class LearningRatePreview
{
    /// <summary>Steps per epoch assumed when the data set's size cannot be known before the run.</summary>
    public const int NominalStepsPerEpoch = 100;

    public static LearningRateCurve Curve(RunConfig config, int points = 200)
    {
        var (predicted, known) = StepsPerEpoch(config);
        int steps = Math.Max(1, predicted); // a batch larger than the set trains no step; the curve still needs an axis
        var schedule = LearningRateSchedule.For(config, steps);
        var curve = schedule.Curve(points).ToList();
        long last = schedule.TotalSteps - 1;
        if (last >= 0 && curve[^1].Step != last) curve.Add((last, schedule.At(last))); // the curve ends where the run ends
        return new LearningRateCurve(
            curve.Select(p => (double)p.Step / steps).ToArray(),
            curve.Select(p => p.Rate).ToArray(),
            steps,
            known);
    }

    /// <summary>The trainer's steps per epoch when the data set's size is known ahead, else maxStepsPerEpoch or a nominal 100.</summary>
    public static (int Steps, bool Known) StepsPerEpoch(RunConfig config) =>
        EpochSteps.Predict(config) is { } steps
            ? (steps, true)
            : (config.Training.MaxStepsPerEpoch > 0 ? config.Training.MaxStepsPerEpoch : NominalStepsPerEpoch, false);
}
