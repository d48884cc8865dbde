namespace SbirLab.Engine.Training;

/// <summary>A column of a final-metrics table (the compare view's, the assignment report's).</summary>
/// <param name="Key">The metric name (as the engine names metric points: "map", "p@10", "loss", ...).</param>
public sealed record MetricColumn(string Key, string Title, bool HigherIsBetter);

/// <summary>One run's line: its name and the value of every column (null when the run lacks it).</summary>
public sealed record MetricsLine(long RunId, string Name, IReadOnlyList<double?> Values);

/// <summary>The final metrics of the compared runs, with the best value of each column known.</summary>
public sealed record MetricsTable(IReadOnlyList<MetricColumn> Columns, IReadOnlyList<MetricsLine> Lines)
{
    /// <summary>True when the line holds the best value of the column (ties: every line that has it).</summary>
    public bool IsBest(int line, int column)
    {
        var value = Lines[line].Values[column];
        if (value is not { } v || !double.IsFinite(v)) return false;
        var finite = Lines.Select(l => l.Values[column]).OfType<double>().Where(double.IsFinite).ToList();
        if (finite.Count < 2) return false;
        double best = Columns[column].HigherIsBetter ? finite.Max() : finite.Min();
        return v == best;
    }
}

/// <summary>What one run contributes to the table: its final evaluation figures and its last epoch's figures.</summary>
public sealed record FinalFigures(long RunId, string Name, IReadOnlyDictionary<string, double> Values);

/// <summary>Builds the final-metrics table of the compare view and of the assignment report.</summary>
public static class FinalMetrics
{
    private static readonly string[] LowerIsBetter = ["loss", "loss_embedding", "loss_ce", "train_seconds"];

    /// <summary>
    /// A run's final figures: the retrieval figures of its evaluation report (the engine's names: map,
    /// map_at_r, p@k, topk_hit; a one-shot run's pair_/nn_one_shot_Nway and _auc), else of its last evaluated epoch; the last epoch's loss and accuracy; and its
    /// training time (the sum of epoch_seconds).
    /// </summary>
    /// <param name="epochValues">Every per-epoch metric of the run by name, its values in epoch order.</param>
    public static FinalFigures Of(long runId, string name, IReadOnlyDictionary<string, double[]> epochValues, EvaluationFile? evaluation)
    {
        ArgumentNullException.ThrowIfNull(epochValues);
        var values = new Dictionary<string, double>(StringComparer.Ordinal);
        foreach (var (metric, series) in epochValues)
            if (metric != "epoch_seconds" && metric != "items_per_s" && series.Length > 0) values[metric] = series[^1];
        if (evaluation is not null)
        {
            foreach (var (metric, value) in RunEvaluator.Figures(evaluation)) values[metric] = value;
            if (evaluation.Report is { } report) values["r_precision"] = report.RPrecision;
        }
        if (epochValues.TryGetValue("epoch_seconds", out var seconds) && seconds.Length > 0) values["train_seconds"] = seconds.Where(double.IsFinite).Sum();
        return new FinalFigures(runId, name, values);
    }

    public static MetricsTable Build(IReadOnlyList<FinalFigures> runs)
    {
        var keys = runs.SelectMany(r => r.Values.Keys).Distinct(StringComparer.Ordinal).OrderBy(Rank).ThenBy(k => k, StringComparer.Ordinal).ToList();
        var columns = keys.Select(k => new MetricColumn(k, Title(k), !LowerIsBetter.Contains(k))).ToList();
        var lines = runs.Select(r => new MetricsLine(r.RunId, r.Name,
            keys.Select(k => r.Values.TryGetValue(k, out var v) ? v : (double?)null).ToList())).ToList();
        return new MetricsTable(columns, lines);
    }

    /// <summary>Retrieval first (mAP, mAP@R, R-precision, P@k by k, hit rates), then training figures.</summary>
    private static int Rank(string key) => key switch
    {
        "map" => 0,
        "map_at_r" => 1,
        "r_precision" => 2,
        _ when key.StartsWith("p@", StringComparison.Ordinal) => 3 + KOf(key[2..]),
        _ when key.StartsWith("top", StringComparison.Ordinal) && key.EndsWith("_hit", StringComparison.Ordinal) => 100_000 + KOf(key[3..^4]),
        "accuracy" => 200_000,
        "loss" => 200_001,
        "train_seconds" => 300_000,
        _ => 250_000,
    };

    private static int KOf(string digits) => int.TryParse(digits, out var k) ? Math.Min(k, 90_000) : 90_000;

    /// <summary>The name of a metric's curve over steps or epochs: "loss", where the table of last values says "final loss".</summary>
    public static string CurveTitle(string key) => key == "loss" ? "loss" : Title(key);

    public static string Title(string key) => key switch
    {
        "map" => "mAP",
        "map_at_r" => "mAP@R",
        "r_precision" => "R-precision",
        "accuracy" => "accuracy",
        "loss" => "final loss",
        "loss_embedding" => "embedding loss",
        "loss_ce" => "CE loss",
        "train_seconds" => "train time (s)",
        _ when key.StartsWith("p@", StringComparison.Ordinal) => "P@" + key[2..],
        _ when key.StartsWith("top", StringComparison.Ordinal) && key.EndsWith("_hit", StringComparison.Ordinal) => $"top-{key[3..^4]} hit",
        _ => key,
    };
}
