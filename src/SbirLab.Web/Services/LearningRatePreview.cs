using SbirLab.Core.Configs;
using SbirLab.Engine.Training;

namespace SbirLab.Web.Services;

/// <summary>The learning rate a config will follow, against epochs, with the steps per epoch it assumed.</summary>
/// <param name="StepsKnown">False when the training set's size is unknown before the run (folder data sets).</param>
public sealed record LearningRateCurve(double[] Epochs, double[] Rates, int StepsPerEpoch, bool StepsKnown);

/// <summary>
/// The new-run form's live preview of the learning-rate schedule: the engine's
/// <see cref="LearningRateSchedule"/> sampled over the run, with steps per epoch worked out from the data set's
/// size and the sampler the way the engine's samplers count them.
/// </summary>
public static class LearningRatePreview
{
    /// <summary>FashionMNIST's training split.</summary>
    public const int FashionMnistTrainImages = 60_000;

    /// <summary>Steps per epoch assumed when the data set's size cannot be known before the run.</summary>
    public const int NominalStepsPerEpoch = 100;

    public static LearningRateCurve Curve(RunConfig config, int points = 200)
    {
        var (steps, known) = StepsPerEpoch(config);
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

    /// <summary>Batches per epoch: images / batch size (shuffle, pairs), images / (n·m·l) (PK), capped by maxStepsPerEpoch.</summary>
    public static (int Steps, bool Known) StepsPerEpoch(RunConfig config)
    {
        int cap = config.Training.MaxStepsPerEpoch;
        if (TrainingImages(config) is not { } images) return (cap > 0 ? cap : NominalStepsPerEpoch, false);
        int perBatch = config.Batch.Sampler == SamplerKind.Pk
            ? config.Batch.Classes * config.Batch.Items * config.Batch.ImagesPerItem
            : config.Batch.Size;
        int steps = Math.Max(1, images / Math.Max(1, perBatch));
        return (cap > 0 ? Math.Min(steps, cap) : steps, true);
    }

    private static int? TrainingImages(RunConfig config)
    {
        if (config.Data.Dataset is not (DatasetKind.FashionMnist or DatasetKind.FashionMnistSketch)) return null;
        int limit = config.Data.TrainLimit;
        return limit > 0 ? Math.Min(limit, FashionMnistTrainImages) : FashionMnistTrainImages;
    }
}
