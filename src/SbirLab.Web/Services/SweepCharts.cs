using System.Globalization;
using System.Text.Json.Nodes;
using SbirLab.Core.Configs;
using SbirLab.Core.Sweeps;
using SbirLab.Engine.Training;
using SbirLab.Runs;

namespace SbirLab.Web.Services;

/// <summary>A Plotly figure as plotly.js takes it: traces and a layout (anonymous objects serialised as they are).</summary>
public sealed record PlotlySpec(IReadOnlyList<object> Traces, object Layout, int Points);

/// <summary>
/// The sweep page's figures, built from a <see cref="SweepView"/>: parallel coordinates of every axis and the metric
/// (one line per point that has the metric, coloured by the metric so the best is the brightest), and one scatter per
/// axis of the metric against the axis, the best point marked. A choice axis is drawn on the positions of its values;
/// a log-scale axis on log10 of its values in parallel coordinates (which have no log axes) and on a log axis in its scatter.
/// </summary>
public static class SweepCharts
{
    public const string BestColor = "#d62728";

    public static PlotlySpec ParallelCoordinates(SweepView sweep)
    {
        var scored = Scored(sweep);
        var dimensions = sweep.Definition.Axes.Select((axis, a) => Dimension(axis, scored.Select(r => r.Values[a].Value).ToList())).ToList();
        var metric = scored.Select(r => r.Metric!.Value).ToArray();
        dimensions.Add(new Dictionary<string, object?> { ["label"] = PlotlyText.Escape(FinalMetrics.Title(sweep.Definition.Metric)), ["values"] = metric });
        var trace = new
        {
            type = "parcoords",
            line = new
            {
                color = metric,
                colorscale = "Viridis",
                reversescale = sweep.Definition.Direction == SweepDirection.Minimize, // the best is always the brightest
                showscale = true,
                colorbar = new { title = new { text = PlotlyText.Escape(FinalMetrics.Title(sweep.Definition.Metric)) } },
            },
            dimensions,
        };
        var layout = new { height = 420, margin = new { l = 70, r = 40, t = 50, b = 30 } };
        return new PlotlySpec([trace], layout, scored.Count);
    }

    /// <summary>The metric against axis <paramref name="axisIndex"/>; the best point is a red star.</summary>
    public static PlotlySpec MetricAgainst(SweepView sweep, int axisIndex)
    {
        var axis = sweep.Definition.Axes[axisIndex];
        var scored = Scored(sweep);
        var best = sweep.Best;
        bool choice = !SweepFields.IsNumeric(ConfigFields.TypeOf(axis.Field));
        object X(SweepRun r) => choice ? Text(r.Values[axisIndex].Value) : Number(r.Values[axisIndex].Value) ?? double.NaN;
        var points = new
        {
            type = "scatter",
            mode = "markers",
            name = "points",
            x = scored.Select(X).ToArray(),
            y = scored.Select(r => r.Metric!.Value).ToArray(),
            text = scored.Select(r => PlotlyText.Escape($"#{r.RunId} {r.Name}")).ToArray(),
            marker = new { color = "#1f77b4", size = 9, opacity = 0.8 },
            hovertemplate = "%{text}<br>%{x}: %{y:.4f}<extra></extra>",
        };
        var traces = new List<object> { points };
        if (best is not null)
            traces.Add(new
            {
                type = "scatter",
                mode = "markers",
                name = PlotlyText.Escape($"best: #{best.RunId}"),
                x = new[] { X(best) },
                y = new[] { best.Metric!.Value },
                marker = new { color = BestColor, size = 16, symbol = "star" },
            });
        var layout = new
        {
            height = 280,
            margin = new { l = 56, r = 16, t = 36, b = 44 },
            title = new { text = PlotlyText.Escape($"{FinalMetrics.Title(sweep.Definition.Metric)} against {axis.Field}") },
            xaxis = new { title = new { text = PlotlyText.Escape(axis.Field) }, type = choice ? "category" : axis.Scale == SweepScale.Log ? "log" : "linear" },
            yaxis = new { title = new { text = PlotlyText.Escape(FinalMetrics.Title(sweep.Definition.Metric)) } },
            showlegend = false,
        };
        return new PlotlySpec(traces, layout, scored.Count);
    }

    /// <summary>The points that have a finite metric, best first.</summary>
    private static List<SweepRun> Scored(SweepView sweep) => [.. sweep.Runs.Where(r => r.Metric is { } v && double.IsFinite(v))];

    private static Dictionary<string, object?> Dimension(SweepAxis axis, IReadOnlyList<JsonNode?> values)
    {
        var dimension = new Dictionary<string, object?>();
        if (!SweepFields.IsNumeric(ConfigFields.TypeOf(axis.Field)))
        {
            var names = (axis.Values ?? []).Select(Text).Concat(values.Select(Text)).Distinct().ToList();
            dimension["label"] = PlotlyText.Escape(axis.Field);
            dimension["values"] = values.Select(v => (double)names.IndexOf(Text(v))).ToArray();
            dimension["tickvals"] = Enumerable.Range(0, names.Count).Select(i => (double)i).ToArray();
            dimension["ticktext"] = names.Select(PlotlyText.Escape).ToArray();
            dimension["range"] = new[] { -0.5, names.Count - 0.5 };
            return dimension;
        }
        bool log = axis.IsRange && axis.Scale == SweepScale.Log;
        var numbers = values.Select(v => Number(v) ?? double.NaN).Select(x => log ? Math.Log10(x) : x).ToArray();
        dimension["label"] = PlotlyText.Escape(log ? $"log10 {axis.Field}" : axis.Field);
        dimension["values"] = numbers;
        if (axis.Min is { } min && axis.Max is { } max) dimension["range"] = log ? new[] { Math.Log10(min), Math.Log10(max) } : new[] { min, max };
        return dimension;
    }

    public static string Text(JsonNode? value) => value switch
    {
        null => "null",
        JsonValue v when v.TryGetValue<string>(out var s) => s,
        _ => value.ToJsonString(),
    };

    public static double? Number(JsonNode? value) =>
        value is JsonValue v && double.TryParse(v.ToJsonString(), NumberStyles.Float, CultureInfo.InvariantCulture, out var x) ? x : null;
}
