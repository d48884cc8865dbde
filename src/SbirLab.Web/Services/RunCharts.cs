using SbirLab.Engine.Training;

namespace SbirLab.Web.Services;

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

    public static RunChartSet Build(MetricHistory history, double smoothing) => new(
        Loss(history, smoothing),
        Accuracy(history, smoothing),
        Retrieval(history),
        LearningRate(history));

    public static IReadOnlyList<ChartLine> Loss(MetricHistory history, double smoothing)
    {
        var lines = new List<ChartLine>();
        var total = history.Steps("loss");
        int color = 0;
        foreach (var part in LossParts)
        {
            var (x, y) = history.Steps(part);
            if (x.Length == 0) continue;
            if (part != "loss" && y.SequenceEqual(total.Y)) continue; // the only term: same curve as the total
            lines.AddRange(ChartLines.Smoothed(part, x, y, ChartLines.ColorOf(color++), smoothing));
        }
        return lines;
    }

    public static IReadOnlyList<ChartLine> Accuracy(MetricHistory history, double smoothing)
    {
        var (x, y) = history.Steps("accuracy");
        var lines = ChartLines.Smoothed("accuracy (step)", x, y, ChartLines.ColorOf(0), smoothing).ToList();
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

    public static IReadOnlyList<ChartLine> LearningRate(MetricHistory history)
    {
        var (x, y) = history.Steps("lr");
        return x.Length == 0 ? [] : [ChartLines.Thin(new ChartLine("learning rate", x, y, ChartLines.ColorOf(4)))];
    }

}
