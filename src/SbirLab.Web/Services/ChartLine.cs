using SbirLab.Core.Curves;
using SbirLab.Engine.Reports;

namespace SbirLab.Web.Services;

/// <summary>One line of a chart: its points and how it is drawn.</summary>
/// <param name="Faint">Drawn thin and light: the raw curve behind its smoothed version.</param>
/// <param name="Group">Lines of one group toggle together in the legend; only the first shows its name.</param>
public sealed record ChartLine(string Name, double[] X, double[] Y, string Color, bool Faint = false, bool Dashed = false,
    string? Group = null, bool ShowInLegend = true, string Mode = "lines");

/// <summary>
/// Turns metric series into chart lines: a faint raw curve with its smoothed curve on top, down-sampled on the
/// server for the chart's window by the lab's one down-sampler (<see cref="CurveDownsampler"/>, min / max per pixel
/// bucket), so a line costs the browser about two points per pixel whatever the length of the run.
/// </summary>
public static class ChartLines
{
    public static readonly string[] Palette =
        ["#1f77b4", "#d62728", "#2ca02c", "#ff7f0e", "#9467bd", "#8c564b", "#e377c2", "#17becf", "#7f7f7f", "#bcbd22"];

    public static string ColorOf(int index) => Palette[index % Palette.Length];

    /// <summary>
    /// The raw series (faint) and, with <paramref name="smoothing"/> &gt; 0, its exponential moving average (the
    /// engine's TensorBoard-style <see cref="ExponentialSmoothing"/>, over every point, before down-sampling) drawn over it.
    /// </summary>
    public static List<ChartLine> Smoothed(string name, ReadOnlySpan<double> x, ReadOnlySpan<double> y, string color, double smoothing,
        CurveWindow window, bool dashed = false)
    {
        if (x.Length == 0) return [];
        if (smoothing <= 0) return [Line(new ChartLine(name, [], [], color, Dashed: dashed, Group: name), x, y, window)];
        return WithSmoothed(name, x, y, ExponentialSmoothing.Ema(y, smoothing), color, window, dashed);
    }

    /// <summary>
    /// The raw series (faint) and its smoothed values <paramref name="smoothed"/> (same x) drawn over it; with
    /// <paramref name="raw"/> false the smoothed line alone (an overlay of many runs, where the faint curves cost a
    /// trace each and blur into one band).
    /// </summary>
    public static List<ChartLine> WithSmoothed(string name, ReadOnlySpan<double> x, ReadOnlySpan<double> y, ReadOnlySpan<double> smoothed, string color,
        CurveWindow window, bool dashed = false, bool raw = true)
    {
        if (x.Length == 0) return [];
        var line = Line(new ChartLine(name, [], [], color, Dashed: dashed, Group: name), x, smoothed, window);
        if (!raw) return [line];
        return [Line(new ChartLine(name + " (raw)", [], [], color, Faint: true, Dashed: dashed, Group: name, ShowInLegend: false), x, y, window), line];
    }

    /// <summary><paramref name="style"/> with the points of (x, y) to draw in <paramref name="window"/>.</summary>
    public static ChartLine Line(ChartLine style, ReadOnlySpan<double> x, ReadOnlySpan<double> y, CurveWindow window)
    {
        var (kx, ky) = CurveDownsampler.Downsample(x, y, window);
        return style with { X = kx, Y = ky };
    }
}

/// <summary>Text for Plotly labels: Plotly renders <c>&lt;a href&gt;</c>, <c>&lt;b&gt;</c>, <c>&lt;br&gt;</c> and entities in names and titles, so user text is entity-escaped (Plotly shows the entities as the characters).</summary>
public static class PlotlyText
{
    public static string Escape(string text) =>
        text.Replace("&", "&amp;", StringComparison.Ordinal).Replace("<", "&lt;", StringComparison.Ordinal).Replace(">", "&gt;", StringComparison.Ordinal);
}
