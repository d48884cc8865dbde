using SbirLab.Core.Configs;
using SbirLab.Core.Curves;
using SbirLab.Engine.Training;
using SbirLab.Store.Accounts;
using SbirLab.Store.Entities;

namespace SbirLab.Web.Services;

/// <summary>
/// One run of the compare view: what it ran with, its epoch curves (<see cref="History"/> holds only those: step
/// curves are read through the reader's shared cache when drawn), the names of its step metrics and its final evaluation.
/// </summary>
public sealed record CompareRun(long Id, string Name, RunConfig Config, MetricHistory History, RunEvaluation? Evaluation, RunRecord Record,
    IReadOnlyList<string> StepNames)
{
    public string Label => $"#{Id} {Name}";
}

/// <summary>A metric the compare view can overlay: "step:loss" or "epoch:map".</summary>
public sealed record MetricChoice(string Key, string Kind, string Name)
{
    public string Title => $"{FinalMetrics.CurveTitle(Name)} (per {Kind})";

    public static MetricChoice Parse(string key)
    {
        int colon = key.IndexOf(':');
        return colon > 0 ? new MetricChoice(key, key[..colon], key[(colon + 1)..]) : new MetricChoice("step:" + key, "step", key);
    }
}

/// <summary>Loads the runs to compare and builds the overlaid curves, down-sampled for the chart's window.</summary>
public sealed class CompareLoader(RunReader reader)
{
    public const int MinRuns = 2;
    public const int MaxRuns = RunTableState.MaxCompare;

    /// <summary>Runs the picker offers besides the picked ones (the newest).</summary>
    public const int PickerRuns = 200;

    /// <summary>
    /// Runs up to which a step overlay draws each run's faint raw curve behind its smoothed one. Past it only the
    /// smoothed curves are drawn (and the chart says so, <see cref="OverlayNote"/>): a raw curve is a trace of its own,
    /// which is what Plotly's redraw costs (a zoom on 50 runs: 100 traces took ~370 ms in the browser, 50 ~130 ms), and
    /// the raw curves of many runs blur into one band anyway.
    /// </summary>
    public const int RawCurvesUpTo = 10;

    /// <summary>Whether a step overlay of <paramref name="runs"/> runs draws the raw curves behind the smoothed ones.</summary>
    public static bool DrawsRawCurves(int runs) => runs <= RawCurvesUpTo;

    /// <summary>What the overlay chart says under it: that the raw curves are hidden, where they are (smoothed step curves of more than <see cref="RawCurvesUpTo"/> runs).</summary>
    public static string? OverlayNote(int runs, MetricChoice metric, double smoothing) =>
        metric.Kind == "step" && smoothing > 0 && !DrawsRawCurves(runs)
            ? $"Raw curves hidden above {RawCurvesUpTo} runs: smoothed curves only (set smoothing to 0 for the raw ones)."
            : null;

    /// <summary>Ids from the query string ("3,5,8"): distinct, existing and readable by the caller, at most <see cref="MaxRuns"/>.</summary>
    public IReadOnlyList<CompareRun> Load(Caller caller, IEnumerable<long> ids)
    {
        // One query for the records (unknown runs, and runs not the caller's to read, are left out), then each run's own rows.
        var records = reader.FindMany(caller, [.. ids.Distinct().Take(MaxRuns)]);
        var runs = new List<CompareRun>();
        foreach (var record in records)
            runs.Add(new CompareRun(record.Id, record.Name, ConfigJson.ParseUnvalidated(record.ConfigJson), reader.History(caller, record, MetricKind.Epoch),
                reader.Evaluation(caller, record), record, reader.MetricNames(caller, record, MetricKind.Step)));
        return runs;
    }

    public static IReadOnlyList<long> ParseIds(string? text) =>
        (text ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Select(t => long.TryParse(t, out var id) ? id : -1).Where(id => id > 0).Distinct().ToList();

    /// <summary>Every metric any of the runs logged, epoch metrics first.</summary>
    public static IReadOnlyList<MetricChoice> Choices(IReadOnlyList<CompareRun> runs) =>
        runs.SelectMany(r => r.History.EpochNames).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).Select(n => new MetricChoice("epoch:" + n, "epoch", n))
            .Concat(runs.SelectMany(r => r.StepNames).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).Select(n => new MetricChoice("step:" + n, "step", n)))
            .ToList();

    /// <summary>
    /// The metric overlaid for every run in its own colour, for the chart's window; step metrics smoothed (over every
    /// point) over their faint raw curve, the raw curve left out past <see cref="RawCurvesUpTo"/> runs. Step curves
    /// come from the reader's shared cache, all runs at once.
    /// </summary>
    public async Task<IReadOnlyList<ChartLine>> OverlayAsync(Caller caller, IReadOnlyList<CompareRun> runs, MetricChoice metric, double smoothing, CurveWindow window)
    {
        if (metric.Kind == "epoch") return EpochOverlay(runs, metric);
        // The smoothed curves are held too (smoothing is over every point): a zoom only down-samples the window.
        bool smoothed = smoothing > 0;
        var curves = await Task.WhenAll(runs.Select(r => !r.StepNames.Contains(metric.Name)
            ? Task.FromResult<(double[] X, double[] Y, double[] Smoothed)>(([], [], []))
            : smoothed ? reader.SmoothedCurveAsync(caller, r.Record, MetricKind.Step, metric.Name, smoothing)
            : Raw(reader.CurveAsync(caller, r.Record, MetricKind.Step, metric.Name))));
        bool raw = DrawsRawCurves(runs.Count);
        var lines = new List<ChartLine>();
        for (int i = 0; i < runs.Count; i++)
        {
            var (x, y, s) = curves[i];
            lines.AddRange(smoothed
                ? ChartLines.WithSmoothed(runs[i].Label, x, y, s, ChartLines.ColorOf(i), window, raw: raw)
                : ChartLines.Smoothed(runs[i].Label, x, y, ChartLines.ColorOf(i), 0, window));
        }
        return lines;
    }

    private static async Task<(double[] X, double[] Y, double[] Smoothed)> Raw(Task<(double[] X, double[] Y)> curve)
    {
        var (x, y) = await curve;
        return (x, y, []);
    }

    private static List<ChartLine> EpochOverlay(IReadOnlyList<CompareRun> runs, MetricChoice metric)
    {
        var lines = new List<ChartLine>();
        for (int i = 0; i < runs.Count; i++)
        {
            var (x, y) = runs[i].History.Epochs(metric.Name);
            if (x.Length > 0) lines.Add(new ChartLine(runs[i].Label, x, y, ChartLines.ColorOf(i), Mode: "lines+markers"));
        }
        return lines;
    }

    public static IReadOnlyList<ChartLine> PrCurves(IReadOnlyList<CompareRun> runs) =>
        runs.Select((r, i) => (Report: r.Evaluation?.File.Report, r.Label, i)).Where(p => p.Report is not null)
            .Select(p => new ChartLine($"{p.Label} (mAP {p.Report!.MeanAveragePrecision:F3})",
                p.Report.RankCurve.MeanRecall, p.Report.RankCurve.MeanPrecision, ChartLines.ColorOf(p.i)))
            .ToList();

    public static IReadOnlyList<ChartLine> RecallRatios(IReadOnlyList<CompareRun> runs) =>
        runs.Select((r, i) => (Report: r.Evaluation?.File.Report, r.Label, i)).Where(p => p.Report is not null)
            .Select(p => new ChartLine(p.Label, p.Report!.RecallRatio.Retrieved.Select(n => (double)n).ToArray(),
                p.Report.RecallRatio.MeanRecall, ChartLines.ColorOf(p.i)))
            .ToList();

    public static MetricsTable Table(IReadOnlyList<CompareRun> runs) =>
        FinalMetrics.Build(runs.Select(r => FinalMetrics.Of(r.Id, r.Label, r.History.EpochValues(), r.Evaluation?.File)).ToList());
}
