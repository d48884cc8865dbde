using SkiaSharp;

namespace SbirLab.Engine.Reports;

/// <summary>One recorded loss component (e.g. "total", "embedding", "cross-entropy"), one value per step or epoch.</summary>
/// <param name="Name">Legend text.</param>
/// <param name="Values">One value per step (or epoch) of the history it belongs to.</param>
/// <param name="Color">Hex colour; null takes the palette colour of its position.</param>
/// <param name="Dashed">Draw dashed (e.g. a validation loss).</param>
public sealed record LossPart(string Name, double[] Values, string? Color = null, bool Dashed = false);

/// <summary>
/// A run's losses: per optimisation step (drawn smoothed over the raw faint curve) and, optionally, per-epoch means.
/// </summary>
/// <param name="Steps">Step numbers, the x values of <paramref name="StepParts"/>.</param>
/// <param name="StepParts">Loss components per step.</param>
/// <param name="Epochs">Epoch numbers, the x values of <paramref name="EpochMeans"/> (may be empty).</param>
/// <param name="EpochMeans">Mean loss components per epoch (may be empty: then only the step panel is drawn).</param>
public sealed record LossHistory(double[] Steps, IReadOnlyList<LossPart> StepParts, double[] Epochs,
    IReadOnlyList<LossPart> EpochMeans);

/// <summary>A mean precision–recall curve of one model, with its mAP for the legend.</summary>
/// <param name="Name">Model or loss name ("classification", "triplet", "smooth-AP").</param>
/// <param name="Recall">Recall values in [0, 1] (x).</param>
/// <param name="Precision">Precision values in [0, 1] (y).</param>
/// <param name="MeanAveragePrecision">The model's mAP, shown in its legend entry.</param>
public sealed record PrCurve(string Name, double[] Recall, double[] Precision, double MeanAveragePrecision);

/// <summary>Recall as a function of the number of items retrieved, for one model.</summary>
/// <param name="Name">Model name.</param>
/// <param name="Retrieved">Numbers of retrieved items (x).</param>
/// <param name="Recall">Mean recall in [0, 1] at each count (y).</param>
public sealed record RecallRatioCurve(string Name, double[] Retrieved, double[] Recall);

/// <summary>One scorer's ROC curve and its area.</summary>
public sealed record RocSeries(string Name, double[] FalsePositiveRate, double[] TruePositiveRate, double Auc);

/// <summary>
/// The standard charts the engine writes into a run folder, built on <see cref="LineChart"/>: losses, precision–recall,
/// recall ratio and per-epoch metrics. Each has a <c>...Spec</c> method (the chart as data) and a method that writes the PNG.
/// </summary>
public static class RunCharts
{
    /// <summary>
    /// Default EMA weight of the step-loss curves. TensorBoard's default is 0.6; per-batch losses of small batches
    /// are noisy enough that 0.8 reads better, and the raw values stay visible behind.
    /// </summary>
    public const double DefaultLossSmoothing = 0.8;

    /// <summary>The per-step loss chart: every part smoothed, with the raw values faint behind.</summary>
    public static ChartSpec LossStepSpec(LossHistory history, double smoothing = DefaultLossSmoothing, bool logY = false) =>
        new("Training loss per step", "step", "loss", PartsAsSeries(history.Steps, history.StepParts), logY, smoothing);

    /// <summary>The per-epoch mean loss chart.</summary>
    public static ChartSpec LossEpochSpec(LossHistory history, bool logY = false) =>
        new("Mean loss per epoch", "epoch", "loss", PartsAsSeries(history.Epochs, history.EpochMeans), logY);

    /// <summary>
    /// Writes the loss picture: the step panel, and beside it the epoch-mean panel when the history has epoch means.
    /// Width defaults to 900 for one panel and 1400 for two.
    /// </summary>
    public static void Loss(LossHistory history, string pngPath, double smoothing = DefaultLossSmoothing,
        bool logY = false, int? width = null, int height = 560)
    {
        ArgumentNullException.ThrowIfNull(history);
        var stepSpec = LossStepSpec(history, smoothing, logY);
        if (history.EpochMeans.Count == 0 || history.Epochs.Length == 0)
        {
            LineChart.Render(stepSpec, pngPath, width ?? 900, height);
            return;
        }
        var epochSpec = LossEpochSpec(history, logY);
        int total = width ?? 1400;
        float split = MathF.Round(total * 0.6f);
        PngCanvas.Save(pngPath, PngCanvas.Encode(total, height, canvas =>
        {
            LineChart.Draw(canvas, new SKRect(0, 0, split, height), stepSpec);
            LineChart.Draw(canvas, new SKRect(split, 0, total, height), epochSpec);
        }));
    }

    /// <summary>Precision–recall curves overlaid on [0, 1]², each legend entry carrying the model's mAP.</summary>
    public static ChartSpec PrecisionRecallSpec(IReadOnlyList<PrCurve> curves,
        string title = "Precision–recall (mean over queries)") =>
        new(title, "recall", "precision",
            [.. curves.Select(c => new Series($"{c.Name} (mAP {c.MeanAveragePrecision:0.000})", c.Recall, c.Precision))],
            XRange: (0, 1), YRange: (0, 1));

    /// <summary>Writes the precision–recall picture.</summary>
    public static void PrecisionRecall(IReadOnlyList<PrCurve> curves, string pngPath,
        string title = "Precision–recall (mean over queries)", int width = 760, int height = 600) =>
        LineChart.Render(PrecisionRecallSpec(curves, title), pngPath, width, height);

    /// <summary>
    /// Recall against the number of retrieved items; with <paramref name="gallerySize"/> the x axis is the retrieved
    /// fraction of the gallery in [0, 1] instead of the count.
    /// </summary>
    public static ChartSpec RecallRatioSpec(IReadOnlyList<RecallRatioCurve> curves, int? gallerySize = null,
        string title = "Recall ratio")
    {
        if (gallerySize is <= 0)
            throw new ArgumentOutOfRangeException(nameof(gallerySize), "Gallery size must be positive.");
        var series = curves.Select(c => new Series(c.Name,
            gallerySize is { } n ? [.. c.Retrieved.Select(r => r / n)] : c.Retrieved, c.Recall)).ToArray();
        return gallerySize is null
            ? new ChartSpec(title, "items retrieved", "recall", series, YRange: (0, 1))
            : new ChartSpec(title, "fraction of the gallery retrieved", "recall", series, XRange: (0, 1), YRange: (0, 1));
    }

    /// <summary>Writes the recall-ratio picture.</summary>
    public static void RecallRatio(IReadOnlyList<RecallRatioCurve> curves, string pngPath, int? gallerySize = null,
        string title = "Recall ratio", int width = 900, int height = 560) =>
        LineChart.Render(RecallRatioSpec(curves, gallerySize, title), pngPath, width, height);

    /// <summary>ROC curves of same / different scores on [0, 1]², each legend entry with its AUC, and the chance diagonal.</summary>
    public static ChartSpec RocSpec(IReadOnlyList<RocSeries> curves, string title = "Verification of held-out pairs: ROC") =>
        new(title, "false positive rate", "true positive rate",
            [.. curves.Select(c => new Series($"{c.Name} (AUC {c.Auc:0.000})", c.FalsePositiveRate, c.TruePositiveRate)),
             new Series("chance", [0, 1], [0, 1], "#9A9A9A", Dashed: true)],
            XRange: (0, 1), YRange: (0, 1));

    /// <summary>Writes the ROC picture.</summary>
    public static void Roc(IReadOnlyList<RocSeries> curves, string pngPath, int width = 760, int height = 600) =>
        LineChart.Render(RocSpec(curves), pngPath, width, height);

    /// <summary>Any metric per epoch (mAP, accuracy, learning rate...), one series per model or split.</summary>
    public static ChartSpec MetricSpec(string title, string yLabel, IReadOnlyList<Series> series, bool logY = false,
        string xLabel = "epoch") =>
        new(title, xLabel, yLabel, series, logY);

    /// <summary>Writes a per-epoch metric picture.</summary>
    public static void Metric(string pngPath, string title, string yLabel, IReadOnlyList<Series> series,
        bool logY = false, string xLabel = "epoch", int width = 900, int height = 560) =>
        LineChart.Render(MetricSpec(title, yLabel, series, logY, xLabel), pngPath, width, height);

    private static Series[] PartsAsSeries(double[] xs, IReadOnlyList<LossPart> parts) =>
        [.. parts.Select(p => new Series(p.Name, xs, p.Values, p.Color, p.Dashed))];
}
