using SkiaSharp;

namespace SbirLab.Engine.Reports;

/// <summary>Maps data values of one axis to pixels (linear or base-10 logarithmic).</summary>
internal readonly record struct AxisMap(double Min, double Max, bool IsLog, float From, float To)
{
    public float ToPixel(double value)
    {
        double t = IsLog
            ? (Math.Log10(value) - Math.Log10(Min)) / (Math.Log10(Max) - Math.Log10(Min))
            : (value - Min) / (Max - Min);
        return (float)(From + t * (To - From));
    }
}

/// <summary>A series ready to draw: its colour, and its finite points (raw and, when asked, smoothed).</summary>
internal sealed record PreparedSeries(string Name, SKColor Color, bool Dashed, double[] X, double[] Y, double[]? SmoothedY)
{
    public bool IsEmpty => X.Length == 0;

    public static PreparedSeries From(Series series, int index, bool logY, double smoothing)
    {
        if (series.X.Length != series.Y.Length)
            throw new ArgumentException($"Series '{series.Name}' has {series.X.Length} x values but {series.Y.Length} y values.");
        // Values a log axis cannot show become NaN before smoothing so they neither draw nor bias the average.
        double[] y = logY ? [.. series.Y.Select(v => v > 0 ? v : double.NaN)] : series.Y;
        double[]? smoothed = smoothing > 0 ? ExponentialSmoothing.Ema(y, smoothing) : null;
        var keep = Enumerable.Range(0, y.Length)
            .Where(i => double.IsFinite(series.X[i]) && double.IsFinite(y[i]))
            .ToArray();
        return new PreparedSeries(series.Name, ChartPalette.ForSeries(series, index), series.Dashed,
            [.. keep.Select(i => series.X[i])], [.. keep.Select(i => y[i])],
            smoothed is null ? null : [.. keep.Select(i => smoothed[i])]);
    }
}

/// <summary>
/// Where everything of a line chart goes inside its bounds: the plot rectangle, the ticks of both axes, and the
/// prepared series. Tests use it to find pixels of the plot area.
/// </summary>
internal sealed record ChartLayout(ChartSpec Spec, SKRect Bounds, SKRect PlotArea, AxisTicks XTicks, AxisTicks YTicks,
    IReadOnlyList<PreparedSeries> Series)
{
    public const float Padding = 14;
    public const float TitleSize = 18;
    public const float LabelSize = 14;
    public const float TickSize = 12;

    public AxisMap XMap => new(XTicks.Min, XTicks.Max, false, PlotArea.Left, PlotArea.Right);

    public AxisMap YMap => new(YTicks.Min, YTicks.Max, YTicks.IsLog, PlotArea.Bottom, PlotArea.Top);

    public bool HasData => Series.Any(s => !s.IsEmpty);

    /// <summary>Pixel positions of a series' points, with <paramref name="ys"/> as the y values (raw or smoothed).</summary>
    public SKPoint[] PixelPoints(PreparedSeries series, double[] ys)
    {
        var (xMap, yMap) = (XMap, YMap);
        var points = new SKPoint[series.X.Length];
        for (int i = 0; i < points.Length; i++)
            points[i] = new SKPoint(xMap.ToPixel(series.X[i]), yMap.ToPixel(ys[i]));
        return points;
    }

    public static ChartLayout Compute(ChartSpec spec, SKRect bounds)
    {
        ArgumentNullException.ThrowIfNull(spec);
        if (!(spec.Smoothing >= 0 && spec.Smoothing < 1))
            throw new ArgumentOutOfRangeException(nameof(spec), spec.Smoothing, "Smoothing must be in [0, 1).");
        var series = spec.Series.Select((s, i) => PreparedSeries.From(s, i, spec.LogY, spec.Smoothing)).ToArray();
        var xTicks = XTicksFor(spec, series);
        var yTicks = YTicksFor(spec, series);
        return new ChartLayout(spec, bounds, PlotAreaFor(spec, bounds, xTicks, yTicks), xTicks, yTicks, series);
    }

    private static SKRect PlotAreaFor(ChartSpec spec, SKRect bounds, AxisTicks xTicks, AxisTicks yTicks)
    {
        using var tickFont = ReportFonts.Font(TickSize);
        float yTickWidth = yTicks.Values.Select(v => tickFont.MeasureText(yTicks.Label(v))).DefaultIfEmpty(0).Max();
        float lastXTickHalf = xTicks.Values.Length == 0 ? 0 : tickFont.MeasureText(xTicks.Label(xTicks.Values[^1])) / 2;
        float top = bounds.Top + Padding + (string.IsNullOrEmpty(spec.Title) ? 4 : TitleSize + 16);
        float left = bounds.Left + Padding + (string.IsNullOrEmpty(spec.YLabel) ? 0 : LabelSize + 10) + yTickWidth + 10;
        float bottom = bounds.Bottom - Padding - (string.IsNullOrEmpty(spec.XLabel) ? 0 : LabelSize + 8) - TickSize - 12;
        float right = bounds.Right - Padding - Math.Max(6, lastXTickHalf);
        return new SKRect(left, top, Math.Max(left + 10, right), Math.Max(top + 10, bottom));
    }

    /// <summary>Fraction of the data span added at both ends of an automatic x range (and of a log y range).</summary>
    public const double AxisMargin = 0.02;

    private static AxisTicks XTicksFor(ChartSpec spec, PreparedSeries[] series)
    {
        if (spec.XRange is { } range)
            return NiceScale.LinearWithin(range.Min, range.Max);
        var xs = series.SelectMany(s => s.X).ToArray();
        if (xs.Length == 0)
            return NiceScale.Linear(0, 1);
        // x hugs the data (steps, epochs): a loose axis could leave a quarter of the width empty.
        var (min, max) = NiceScale.Padded(xs.Min(), xs.Max());
        double pad = (max - min) * AxisMargin;
        return NiceScale.LinearWithin(min - pad, max + pad, maxTicks: 7);
    }

    private static AxisTicks YTicksFor(ChartSpec spec, PreparedSeries[] series)
    {
        var ys = series.SelectMany(s => s.Y).ToArray();
        if (spec.LogY)
            return LogTicksFor(spec.YRange, ys);
        if (spec.YRange is { } range)
            return NiceScale.LinearWithin(range.Min, range.Max);
        return ys.Length == 0 ? NiceScale.Linear(0, 1) : NiceScale.Linear(ys.Min(), ys.Max());
    }

    private static AxisTicks LogTicksFor((double Min, double Max)? range, double[] ys)
    {
        if (range is { } fixedRange)
        {
            var decades = NiceScale.Log(fixedRange.Min, fixedRange.Max);
            var inside = decades.Values.Where(v => v >= fixedRange.Min * (1 - 1e-9) && v <= fixedRange.Max * (1 + 1e-9));
            return decades with { Min = fixedRange.Min, Max = fixedRange.Max, Values = [.. inside] };
        }
        if (ys.Length == 0)
            return NiceScale.Log(1, 10);
        double low = Math.Log10(ys.Min()), high = Math.Log10(ys.Max());
        double pad = Math.Max(high - low, 0.1) * AxisMargin * 2;
        return NiceScale.LogWithin(Math.Pow(10, low - pad), Math.Pow(10, high + pad));
    }
}
