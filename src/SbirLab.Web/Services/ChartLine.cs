using SbirLab.Engine.Reports;

namespace SbirLab.Web.Services;

/// <summary>One line of a chart: its points and how it is drawn.</summary>
/// <param name="Faint">Drawn thin and light: the raw curve behind its smoothed version.</param>
/// <param name="Group">Lines of one group toggle together in the legend; only the first shows its name.</param>
public sealed record ChartLine(string Name, double[] X, double[] Y, string Color, bool Faint = false, bool Dashed = false,
    string? Group = null, bool ShowInLegend = true, string Mode = "lines");

/// <summary>Turns metric series into chart lines: a faint raw curve with its smoothed curve on top, thinned for the browser.</summary>
public static class ChartLines
{
    /// <summary>Points sent to the browser per line at most; longer series are thinned (see <see cref="Thin"/>).</summary>
    public const int MaxPoints = 1500;

    public static readonly string[] Palette =
        ["#1f77b4", "#d62728", "#2ca02c", "#ff7f0e", "#9467bd", "#8c564b", "#e377c2", "#17becf", "#7f7f7f", "#bcbd22"];

    public static string ColorOf(int index) => Palette[index % Palette.Length];

    /// <summary>
    /// The raw series (faint) and, with <paramref name="smoothing"/> &gt; 0, its exponential moving average (the
    /// engine's TensorBoard-style <see cref="ExponentialSmoothing"/>) drawn over it.
    /// </summary>
    public static IEnumerable<ChartLine> Smoothed(string name, double[] x, double[] y, string color, double smoothing, bool dashed = false)
    {
        if (x.Length == 0) yield break;
        if (smoothing <= 0)
        {
            yield return Thin(new ChartLine(name, x, y, color, Dashed: dashed, Group: name));
            yield break;
        }
        yield return Thin(new ChartLine(name + " (raw)", x, y, color, Faint: true, Dashed: dashed, Group: name, ShowInLegend: false));
        yield return Thin(new ChartLine(name, x, ExponentialSmoothing.Ema(y, smoothing), color, Dashed: dashed, Group: name));
    }

    /// <summary>
    /// Keeps at most <see cref="MaxPoints"/> points: every s-th point, s the smallest power of two that fits.
    /// As a series grows the kept points only gain new ones at the end (until s doubles), so a live chart can
    /// send just the new points. A thinned series ends at the last multiple of s (at most s − 1 steps behind).
    /// </summary>
    public static ChartLine Thin(ChartLine line)
    {
        int n = line.X.Length;
        if (n <= MaxPoints) return line;
        int stride = 2;
        while ((n + stride - 1) / stride > MaxPoints) stride *= 2;
        var keep = Enumerable.Range(0, (n + stride - 1) / stride).Select(i => i * stride).ToArray();
        return line with { X = keep.Select(i => line.X[i]).ToArray(), Y = keep.Select(i => line.Y[i]).ToArray() };
    }
}

/// <summary>Text for Plotly labels: Plotly renders <c>&lt;a href&gt;</c>, <c>&lt;b&gt;</c>, <c>&lt;br&gt;</c> and entities in names and titles, so user text is entity-escaped (Plotly shows the entities as the characters).</summary>
public static class PlotlyText
{
    public static string Escape(string text) =>
        text.Replace("&", "&amp;", StringComparison.Ordinal).Replace("<", "&lt;", StringComparison.Ordinal).Replace(">", "&gt;", StringComparison.Ordinal);
}
