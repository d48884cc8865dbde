using SbirLab.Core.Curves;
using SbirLab.Engine.Training;

namespace SbirLab.Web.Services;

/// <summary>The windows (x-range and width) of a run page's three step charts: each zooms on its own.</summary>
public sealed record RunChartWindows(CurveWindow Loss, CurveWindow Accuracy, CurveWindow LearningRate)
{
    public static RunChartWindows Whole { get; } = new(CurveWindow.Whole, CurveWindow.Whole, CurveWindow.Whole);
}

/// <summary>The four charts of a run page, built from its <see cref="MetricHistory"/>.</summary>
public sealed record RunChartSet(
    IReadOnlyList<ChartLine> Loss,
    IReadOnlyList<ChartLine> Accuracy,
    IReadOnlyList<ChartLine> Retrieval,
    IReadOnlyList<ChartLine> LearningRate);

/// <summary>Which metric goes on which chart of the run page, and how it is drawn.</summary>
public static class RunChartLines
{
    /// <summary>Loss parts in drawing order; a part equal to the total (one term) is left out.</summary>
    public static readonly string[] LossParts = ["loss", "loss_embedding", "loss_ce"];

    /// <summary>Retrieval figures drawn per epoch.</summary>
    public static readonly string[] RetrievalFigures = ["map", "map_at_r", "p@1", "p@10"];

    public static RunChartSet Build(MetricHistory history, double smoothing, RunChartWindows? windows = null)
    {
        windows ??= RunChartWindows.Whole;
        return new(Loss(history, smoothing, windows.Loss), Accuracy(history, smoothing, windows.Accuracy),
            Retrieval(history), LearningRate(history, windows.LearningRate));
    }

    public static IReadOnlyList<ChartLine> Loss(MetricHistory history, double smoothing, CurveWindow window)
    {
        var lines = new List<ChartLine>();
        var total = history.StepCurve("loss");
        int color = 0;
        foreach (var part in LossParts)
        {
            if (history.StepCurve(part) is not { Count: > 0 } curve) continue;
            if (part != "loss" && total is not null && curve.Y.SequenceEqual(total.Y)) continue; // the only term: same curve as the total
            lines.AddRange(ChartLines.Smoothed(part, curve.X, curve.Y, ChartLines.ColorOf(color++), smoothing, window));
        }
        return lines;
    }

    public static IReadOnlyList<ChartLine> Accuracy(MetricHistory history, double smoothing, CurveWindow window)
    {
        var curve = history.StepCurve("accuracy");
        var lines = curve is null ? [] : ChartLines.Smoothed("accuracy (step)", curve.X, curve.Y, ChartLines.ColorOf(0), smoothing, window);
        var (ex, ey) = history.Epochs("accuracy");
        if (ex.Length > 0)
        {
            // Epoch means placed at the epoch's last step, on the step axis.
            lines.Add(new ChartLine("accuracy (epoch mean)", history.EpochEndSteps(ex), ey, ChartLines.ColorOf(1), Mode: "lines+markers", Dashed: true));
        }
        return lines;
    }

    public static IReadOnlyList<ChartLine> Retrieval(MetricHistory history) =>
        RetrievalFigures.Select((name, i) => (name, i, series: history.Epochs(name)))
            .Where(s => s.series.X.Length > 0)
            .Select(s => new ChartLine(FinalMetrics.Title(s.name), s.series.X, s.series.Y, ChartLines.ColorOf(s.i), Mode: "lines+markers"))
            .ToList();

    public static IReadOnlyList<ChartLine> LearningRate(MetricHistory history, CurveWindow window) =>
        history.StepCurve("lr") is { Count: > 0 } curve
            ? [ChartLines.Line(new ChartLine("learning rate", [], [], ChartLines.ColorOf(4)), curve.X, curve.Y, window)]
            : [];

}
