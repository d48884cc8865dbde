using SkiaSharp;

namespace SbirLab.Engine.Reports;

/// <summary>
/// The legend box of a line chart: one swatch and name per series, put in whichever plot corner the curves
/// cross least (top-right wins ties, then top-left, bottom-right, bottom-left).
/// </summary>
internal static class ChartLegend
{
    private const float FontSize = 12.5f;
    private const float RowHeight = 20;
    private const float SwatchLength = 24;
    private const float Inset = 10;
    private const float BoxPadding = 8;

    public static void Draw(SKCanvas canvas, ChartLayout layout)
    {
        if (layout.Series.All(s => string.IsNullOrEmpty(s.Name)))
            return;
        using var font = ReportFonts.Font(FontSize);
        var names = layout.Series.Select(s => EntryText(s, layout.Spec.Series.Count)).ToArray();
        float maxText = layout.PlotArea.Width * 0.6f;
        names = [.. names.Select(n => TextDrawing.Fit(n, font, maxText))];
        var size = new SKSize(BoxPadding * 2 + SwatchLength + 8 + names.Max(n => font.MeasureText(n)),
            BoxPadding * 2 + RowHeight * names.Length - 4);
        var box = BestCorner(layout, size);
        DrawBox(canvas, box);
        for (int i = 0; i < names.Length; i++)
            DrawEntry(canvas, layout.Series[i], names[i], box, i, font);
    }

    /// <summary>The corner rectangle, of the given size, that the fewest sampled curve points fall into.</summary>
    internal static SKRect BestCorner(ChartLayout layout, SKSize size)
    {
        var plot = layout.PlotArea;
        SKRect[] corners =
        [
            SKRect.Create(plot.Right - Inset - size.Width, plot.Top + Inset, size.Width, size.Height),
            SKRect.Create(plot.Left + Inset, plot.Top + Inset, size.Width, size.Height),
            SKRect.Create(plot.Right - Inset - size.Width, plot.Bottom - Inset - size.Height, size.Width, size.Height),
            SKRect.Create(plot.Left + Inset, plot.Bottom - Inset - size.Height, size.Width, size.Height),
        ];
        var samples = CurveSamples(layout);
        return corners.MinBy(corner => CountInside(corner, samples));
    }

    private static List<SKPoint> CurveSamples(ChartLayout layout)
    {
        var samples = new List<SKPoint>();
        foreach (var series in layout.Series)
        {
            var points = CurveDecimation.Reduce(layout.PixelPoints(series, series.Y), layout.PlotArea.Width);
            for (int i = 0; i < points.Count; i++)
            {
                samples.Add(points[i]);
                if (i + 1 < points.Count)
                    AddBetween(points[i], points[i + 1], samples);
            }
        }
        return samples;
    }

    /// <summary>Points every few pixels along a segment, so a long straight stretch still counts where it passes.</summary>
    private static void AddBetween(SKPoint a, SKPoint b, List<SKPoint> samples)
    {
        int steps = Math.Min(400, (int)(SKPoint.Distance(a, b) / 5));
        for (int k = 1; k < steps; k++)
            samples.Add(new SKPoint(a.X + (b.X - a.X) * k / steps, a.Y + (b.Y - a.Y) * k / steps));
    }

    private static int CountInside(SKRect rect, List<SKPoint> points)
    {
        int count = 0;
        foreach (var point in points)
        {
            if (rect.Contains(point))
                count++;
        }
        return count;
    }

    private static string EntryText(PreparedSeries series, int count) =>
        series.IsEmpty && count > 0 ? $"{series.Name} (no data)" : series.Name;

    private static void DrawBox(SKCanvas canvas, SKRect box)
    {
        using var fill = new SKPaint { Color = SKColors.White.WithAlpha(235), Style = SKPaintStyle.Fill, IsAntialias = true };
        using var border = new SKPaint { Color = new SKColor(0xCC, 0xCC, 0xCC), Style = SKPaintStyle.Stroke, StrokeWidth = 1, IsAntialias = true };
        canvas.DrawRoundRect(box, 4, 4, fill);
        canvas.DrawRoundRect(box, 4, 4, border);
    }

    private static void DrawEntry(SKCanvas canvas, PreparedSeries series, string text, SKRect box, int row, SKFont font)
    {
        float middle = box.Top + BoxPadding + RowHeight * row + (RowHeight - 4) / 2;
        float x = box.Left + BoxPadding;
        using var stroke = LineChart.StrokePaint(series.Color, 3f, series.Dashed);
        canvas.DrawLine(x, middle, x + SwatchLength, middle, stroke);
        TextDrawing.Draw(canvas, text, x + SwatchLength + 8, TextDrawing.BaselineFor(middle, font), font, ChartPalette.Ink);
    }
}
