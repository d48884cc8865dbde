using SkiaSharp;

namespace SbirLab.Engine.Reports;

/// <summary>
/// Renders a <see cref="ChartSpec"/> as a clean line chart: title, nice ticks with grid lines, axis labels,
/// one coloured curve per series (raw faint plus EMA-smoothed on top when smoothing is asked), point markers for
/// short series, and a legend placed in the plot corner that covers the fewest curve pixels.
/// Non-finite points are skipped; a chart without any point shows "no data".
/// </summary>
public static class LineChart
{
    /// <summary>Series with at most this many points (and no smoothing) get a marker on each point.</summary>
    public const int MarkerPointLimit = 40;

    private static readonly SKColor AxisColor = new(0x99, 0x99, 0x99);

    /// <summary>Renders the chart and writes it as a PNG file (its folder is created).</summary>
    public static void Render(ChartSpec spec, string pngPath, int width = 900, int height = 560) =>
        PngCanvas.Save(pngPath, RenderPng(spec, width, height));

    /// <summary>Renders the chart into PNG bytes.</summary>
    public static byte[] RenderPng(ChartSpec spec, int width = 900, int height = 560) =>
        PngCanvas.Encode(width, height, canvas => Draw(canvas, SKRect.Create(width, height), spec));

    /// <summary>Draws the chart into <paramref name="bounds"/> of an existing canvas (for multi-panel pictures).</summary>
    public static void Draw(SKCanvas canvas, SKRect bounds, ChartSpec spec)
    {
        var layout = ChartLayout.Compute(spec, bounds);
        DrawTitle(canvas, layout);
        DrawGridAndAxes(canvas, layout);
        DrawAxisLabels(canvas, layout);
        if (!layout.HasData)
        {
            DrawNoData(canvas, layout.PlotArea);
        }
        else
        {
            DrawAllSeries(canvas, layout);
        }
        ChartLegend.Draw(canvas, layout);
    }

    private static void DrawTitle(SKCanvas canvas, ChartLayout layout)
    {
        using var font = ReportFonts.Font(ChartLayout.TitleSize, bold: true);
        string title = TextDrawing.Fit(layout.Spec.Title, font, layout.Bounds.Width - 2 * ChartLayout.Padding);
        TextDrawing.Draw(canvas, title, layout.PlotArea.MidX, layout.Bounds.Top + ChartLayout.Padding + ChartLayout.TitleSize,
            font, ChartPalette.Ink, SKTextAlign.Center);
    }

    private static void DrawGridAndAxes(SKCanvas canvas, ChartLayout layout)
    {
        var plot = layout.PlotArea;
        using var gridPaint = new SKPaint { Color = ChartPalette.Grid, StrokeWidth = 1, IsAntialias = false };
        using var axisPaint = new SKPaint { Color = AxisColor, StrokeWidth = 1, IsAntialias = false };
        using var tickFont = ReportFonts.Font(ChartLayout.TickSize);
        foreach (double value in layout.XTicks.Values)
        {
            float x = Crisp(layout.XMap.ToPixel(value));
            canvas.DrawLine(x, plot.Top, x, plot.Bottom, gridPaint);
            canvas.DrawLine(x, plot.Bottom, x, plot.Bottom + 4, axisPaint);
            TextDrawing.Draw(canvas, layout.XTicks.Label(value), x, plot.Bottom + 6 + ChartLayout.TickSize,
                tickFont, ChartPalette.SoftInk, SKTextAlign.Center);
        }
        foreach (double value in layout.YTicks.Values)
        {
            float y = Crisp(layout.YMap.ToPixel(value));
            canvas.DrawLine(plot.Left, y, plot.Right, y, gridPaint);
            canvas.DrawLine(plot.Left - 4, y, plot.Left, y, axisPaint);
            TextDrawing.Draw(canvas, layout.YTicks.Label(value), plot.Left - 7, TextDrawing.BaselineFor(y, tickFont),
                tickFont, ChartPalette.SoftInk, SKTextAlign.Right);
        }
        canvas.DrawLine(Crisp(plot.Left), plot.Top, Crisp(plot.Left), plot.Bottom, axisPaint);
        canvas.DrawLine(plot.Left, Crisp(plot.Bottom), plot.Right, Crisp(plot.Bottom), axisPaint);
    }

    private static void DrawAxisLabels(SKCanvas canvas, ChartLayout layout)
    {
        using var font = ReportFonts.Font(ChartLayout.LabelSize);
        var plot = layout.PlotArea;
        TextDrawing.Draw(canvas, layout.Spec.XLabel, plot.MidX, layout.Bounds.Bottom - ChartLayout.Padding - 2,
            font, ChartPalette.Ink, SKTextAlign.Center);
        if (string.IsNullOrEmpty(layout.Spec.YLabel))
            return;
        canvas.Save();
        canvas.Translate(layout.Bounds.Left + ChartLayout.Padding + ChartLayout.LabelSize, plot.MidY);
        canvas.RotateDegrees(-90);
        TextDrawing.Draw(canvas, TextDrawing.Fit(layout.Spec.YLabel, font, plot.Height), 0, 0, font, ChartPalette.Ink,
            SKTextAlign.Center);
        canvas.Restore();
    }

    private static void DrawNoData(SKCanvas canvas, SKRect plot)
    {
        using var font = ReportFonts.Font(16);
        TextDrawing.Draw(canvas, "no data", plot.MidX, TextDrawing.BaselineFor(plot.MidY, font), font,
            new SKColor(0x99, 0x99, 0x99), SKTextAlign.Center);
    }

    private static void DrawAllSeries(SKCanvas canvas, ChartLayout layout)
    {
        canvas.Save();
        var clip = layout.PlotArea;
        clip.Inflate(3, 3);
        canvas.ClipRect(clip);
        bool smoothing = layout.Spec.Smoothing > 0;
        if (smoothing)
        {
            foreach (var series in layout.Series)
                DrawCurve(canvas, layout, series, series.Y, series.Color.WithAlpha(64), 1.3f, envelope: true);
        }
        foreach (var series in layout.Series)
        {
            DrawCurve(canvas, layout, series, series.SmoothedY ?? series.Y, series.Color, smoothing ? 2.2f : 2f,
                envelope: !smoothing);
            if (!smoothing && series.X.Length <= MarkerPointLimit || series.X.Length == 1)
                DrawMarkers(canvas, layout, series);
        }
        canvas.Restore();
    }

    private static void DrawCurve(SKCanvas canvas, ChartLayout layout, PreparedSeries series, double[] ys, SKColor color,
        float width, bool envelope)
    {
        if (series.X.Length < 2)
            return;
        var points = CurveDecimation.Reduce(layout.PixelPoints(series, ys), layout.PlotArea.Width, envelope);
        using var path = new SKPath();
        path.MoveTo(points[0]);
        for (int i = 1; i < points.Count; i++)
            path.LineTo(points[i]);
        using var paint = StrokePaint(color, width, series.Dashed);
        canvas.DrawPath(path, paint);
    }

    private static void DrawMarkers(SKCanvas canvas, ChartLayout layout, PreparedSeries series)
    {
        using var fill = new SKPaint { Color = series.Color, IsAntialias = true, Style = SKPaintStyle.Fill };
        using var rim = new SKPaint { Color = SKColors.White, IsAntialias = true, Style = SKPaintStyle.Stroke, StrokeWidth = 1.2f };
        for (int i = 0; i < series.X.Length; i++)
        {
            float x = layout.XMap.ToPixel(series.X[i]);
            float y = layout.YMap.ToPixel(series.Y[i]);
            canvas.DrawCircle(x, y, 3.6f, fill);
            canvas.DrawCircle(x, y, 3.6f, rim);
        }
    }

    /// <summary>An anti-aliased round-joined stroke, dashed on request.</summary>
    internal static SKPaint StrokePaint(SKColor color, float width, bool dashed) => new()
    {
        Color = color,
        StrokeWidth = width,
        IsAntialias = true,
        Style = SKPaintStyle.Stroke,
        StrokeJoin = SKStrokeJoin.Round,
        StrokeCap = dashed ? SKStrokeCap.Butt : SKStrokeCap.Round,
        PathEffect = dashed ? SKPathEffect.CreateDash([7f, 5f], 0) : null,
    };

    /// <summary>Centres a 1-pixel line on a pixel so that it is drawn sharp.</summary>
    private static float Crisp(float coordinate) => MathF.Floor(coordinate) + 0.5f;
}
