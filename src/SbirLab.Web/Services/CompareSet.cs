using SbirLab.Core.Configs;
using SbirLab.Engine.Training;
using SbirLab.Store.Accounts;
using SbirLab.Store.Entities;

namespace SbirLab.Web.Services;

/// <summary>One run of the compare view: what it ran with, its curves and its final evaluation.</summary>
public sealed record CompareRun(long Id, string Name, RunConfig Config, MetricHistory History, RunEvaluation? Evaluation, RunRecord Record)
{
    public string Label => $"#{Id} {Name}";
}

/// <summary>A metric the compare view can overlay: "step:loss" or "epoch:map".</summary>
public sealed record MetricChoice(string Key, string Kind, string Name)
{
    public string Title => $"{FinalMetrics.Title(Name)} (per {Kind})";

    public static MetricChoice Parse(string key)
    {
        int colon = key.IndexOf(':');
        return colon > 0 ? new MetricChoice(key, key[..colon], key[(colon + 1)..]) : new MetricChoice("step:" + key, "step", key);
    }
}

/// <summary>Loads the runs to compare and builds the overlaid curves.</summary>
public sealed class CompareLoader(RunReader reader)
{
    public const int MinRuns = 2;
    public const int MaxRuns = RunTableState.MaxCompare;

    /// <summary>Ids from the query string ("3,5,8"): distinct, existing and readable by the caller, at most <see cref="MaxRuns"/>.</summary>
    public IReadOnlyList<CompareRun> Load(Caller caller, IEnumerable<long> ids)
    {
        var runs = new List<CompareRun>();
        foreach (var id in ids.Distinct().Take(MaxRuns))
        {
            if (reader.Find(caller, id) is not { } record) continue; // unknown, or not the caller's to read
            runs.Add(new CompareRun(id, record.Name, ConfigJson.ParseUnvalidated(record.ConfigJson), reader.History(caller, id), reader.Evaluation(caller, id), record));
        }
        return runs;
    }

    public static IReadOnlyList<long> ParseIds(string? text) =>
        (text ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Select(t => long.TryParse(t, out var id) ? id : -1).Where(id => id > 0).Distinct().ToList();

    /// <summary>Every metric any of the runs logged, epoch metrics first.</summary>
    public static IReadOnlyList<MetricChoice> Choices(IReadOnlyList<CompareRun> runs) =>
        runs.SelectMany(r => r.History.EpochNames).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).Select(n => new MetricChoice("epoch:" + n, "epoch", n))
            .Concat(runs.SelectMany(r => r.History.StepNames).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).Select(n => new MetricChoice("step:" + n, "step", n)))
            .ToList();

    /// <summary>The metric overlaid for every run in its own colour; step metrics smoothed over their faint raw curve.</summary>
    public static IReadOnlyList<ChartLine> Overlay(IReadOnlyList<CompareRun> runs, MetricChoice metric, double smoothing)
    {
        var lines = new List<ChartLine>();
        for (int i = 0; i < runs.Count; i++)
        {
            string color = ChartLines.ColorOf(i);
            if (metric.Kind == "epoch")
            {
                var (x, y) = runs[i].History.Epochs(metric.Name);
                if (x.Length > 0) lines.Add(new ChartLine(runs[i].Label, x, y, color, Mode: "lines+markers"));
            }
            else
            {
                var (x, y) = runs[i].History.Steps(metric.Name);
                lines.AddRange(ChartLines.Smoothed(runs[i].Label, x, y, color, smoothing));
            }
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
