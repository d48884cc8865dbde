using SkiaSharp;

namespace SbirLab.Engine.Reports;

/// <summary>A thumbnail shown at one point of an embedding map.</summary>
/// <param name="PointIndex">Index of the point it belongs to.</param>
/// <param name="Image">The item's picture.</param>
public sealed record MapThumbnail(int PointIndex, ImageBuffer Image);

/// <summary>
/// A 2-D embedding map (t-SNE or PCA output) to draw: point coordinates, class per point, optional domain per point
/// (sketch or photo) and optional thumbnails for a few points.
/// </summary>
/// <param name="X">First coordinate per point.</param>
/// <param name="Y">Second coordinate per point.</param>
/// <param name="Labels">Class index per point, into <paramref name="ClassNames"/>.</param>
/// <param name="ClassNames">Class names, indexed by label.</param>
/// <param name="IsSketch">Per point: true for a sketch (triangle), false for a photo (circle); null when single-domain.</param>
/// <param name="Thumbnails">Pictures drawn at some points.</param>
/// <param name="Title">Text above the map.</param>
public sealed record EmbeddingMap(double[] X, double[] Y, int[] Labels, IReadOnlyList<string> ClassNames,
    bool[]? IsSketch = null, IReadOnlyList<MapThumbnail>? Thumbnails = null, string Title = "Embedding map");

/// <summary>
/// Draws an <see cref="EmbeddingMap"/> as a scatter: colour per class (palette order), circle for photos and
/// triangle for sketches, thumbnails framed in their class colour, and a legend of domains and classes on the right.
/// </summary>
public static class EmbeddingMapPicture
{
    /// <summary>Width of the legend column at the right.</summary>
    public const int LegendWidth = 190;

    /// <summary>Side of a thumbnail in pixels.</summary>
    public const int ThumbnailSize = 34;

    private const float Margin = 16;
    private const float TitleSize = 17;
    private const float MarkerRadius = 4.2f;

    /// <summary>Renders the map and writes it as a PNG file.</summary>
    public static void Render(EmbeddingMap map, string pngPath, int width = 1000, int height = 760) =>
        PngCanvas.Save(pngPath, RenderPng(map, width, height));

    /// <summary>Renders the map into PNG bytes.</summary>
    public static byte[] RenderPng(EmbeddingMap map, int width = 1000, int height = 760)
    {
        Validate(map);
        return PngCanvas.Encode(width, height, canvas => Draw(canvas, map, width, height));
    }

    /// <summary>The rectangle the points are drawn in, for a picture of this size.</summary>
    public static SKRect PlotArea(int width, int height) =>
        new(Margin, Margin + TitleSize + 14, width - Margin - LegendWidth, height - Margin);

    /// <summary>Pixel position of every point (NaN where the point is not finite).</summary>
    public static SKPoint[] PointPixels(EmbeddingMap map, int width, int height)
    {
        var area = PlotArea(width, height);
        area.Inflate(-ThumbnailSize / 2f - 4, -ThumbnailSize / 2f - 4);
        bool IsFinite(int i) => double.IsFinite(map.X[i]) && double.IsFinite(map.Y[i]);
        var finite = Enumerable.Range(0, map.X.Length).Where(IsFinite).ToArray();
        if (finite.Length == 0)
            return [.. map.X.Select(_ => new SKPoint(float.NaN, float.NaN))];
        var (xMin, xMax) = Extent(finite.Select(i => map.X[i]));
        var (yMin, yMax) = Extent(finite.Select(i => map.Y[i]));
        return [.. Enumerable.Range(0, map.X.Length).Select(i => !IsFinite(i)
            ? new SKPoint(float.NaN, float.NaN)
            : new SKPoint(
                (float)(area.Left + (map.X[i] - xMin) / (xMax - xMin) * area.Width),
                (float)(area.Bottom - (map.Y[i] - yMin) / (yMax - yMin) * area.Height)))];
    }

    private static void Draw(SKCanvas canvas, EmbeddingMap map, int width, int height)
    {
        var area = PlotArea(width, height);
        using (var titleFont = ReportFonts.Font(TitleSize, bold: true))
        {
            TextDrawing.Draw(canvas, TextDrawing.Fit(map.Title, titleFont, width - 2 * Margin), area.MidX,
                Margin + TitleSize, titleFont, ChartPalette.Ink, SKTextAlign.Center);
        }
        using (var frame = new SKPaint { Color = ChartPalette.Grid, Style = SKPaintStyle.Stroke, StrokeWidth = 1 })
            canvas.DrawRect(area, frame);
        var pixels = PointPixels(map, width, height);
        if (pixels.All(p => float.IsNaN(p.X)))
        {
            using var font = ReportFonts.Font(16);
            TextDrawing.Draw(canvas, "no data", area.MidX, TextDrawing.BaselineFor(area.MidY, font), font, new SKColor(0x99, 0x99, 0x99), SKTextAlign.Center);
        }
        DrawPoints(canvas, map, pixels);
        DrawThumbnails(canvas, map, pixels);
        DrawLegend(canvas, map, new SKRect(area.Right + 14, area.Top, width - Margin, height - Margin));
    }

    private static void DrawPoints(SKCanvas canvas, EmbeddingMap map, SKPoint[] pixels)
    {
        // Photos first, sketches on top: sketch queries are usually the fewer and the more interesting.
        var order = Enumerable.Range(0, pixels.Length).OrderBy(i => map.IsSketch?[i] == true ? 1 : 0);
        foreach (int i in order.Where(i => !float.IsNaN(pixels[i].X)))
            DrawMarker(canvas, pixels[i], ChartPalette.Color(map.Labels[i]), map.IsSketch?[i] == true);
    }

    private static void DrawMarker(SKCanvas canvas, SKPoint at, SKColor color, bool sketch)
    {
        using var fill = new SKPaint { Color = color.WithAlpha(215), IsAntialias = true, Style = SKPaintStyle.Fill };
        using var rim = new SKPaint
        {
            Color = sketch ? new SKColor(0x22, 0x22, 0x22) : SKColors.White,
            IsAntialias = true,
            Style = SKPaintStyle.Stroke,
            StrokeWidth = sketch ? 0.9f : 0.7f,
        };
        if (sketch)
        {
            using var path = Triangle(at, MarkerRadius * 1.35f);
            canvas.DrawPath(path, fill);
            canvas.DrawPath(path, rim);
        }
        else
        {
            canvas.DrawCircle(at, MarkerRadius, fill);
            canvas.DrawCircle(at, MarkerRadius, rim);
        }
    }

    private static SKPath Triangle(SKPoint centre, float radius)
    {
        var path = new SKPath();
        path.MoveTo(centre.X, centre.Y - radius);
        path.LineTo(centre.X + radius * 0.866f, centre.Y + radius * 0.5f);
        path.LineTo(centre.X - radius * 0.866f, centre.Y + radius * 0.5f);
        path.Close();
        return path;
    }

    private static void DrawThumbnails(SKCanvas canvas, EmbeddingMap map, SKPoint[] pixels)
    {
        foreach (var thumb in map.Thumbnails ?? [])
        {
            var at = pixels[thumb.PointIndex];
            if (float.IsNaN(at.X))
                continue;
            var frame = SKRectI.Create((int)(at.X - ThumbnailSize / 2f), (int)(at.Y - ThumbnailSize / 2f), ThumbnailSize, ThumbnailSize);
            using (var paint = new SKPaint { Color = ChartPalette.Color(map.Labels[thumb.PointIndex]), Style = SKPaintStyle.Fill })
                canvas.DrawRect(frame, paint);
            var inner = new SKRectI(frame.Left + 2, frame.Top + 2, frame.Right - 2, frame.Bottom - 2);
            using (var white = new SKPaint { Color = SKColors.White, Style = SKPaintStyle.Fill })
                canvas.DrawRect(inner, white);
            RankedGrid.DrawImageFitted(canvas, thumb.Image, inner, smooth: true);
        }
    }

    private static void DrawLegend(SKCanvas canvas, EmbeddingMap map, SKRect area)
    {
        using var headFont = ReportFonts.Font(12.5f, bold: true);
        using var font = ReportFonts.Font(12);
        float y = area.Top + 12;
        if (map.IsSketch is not null)
        {
            TextDrawing.Draw(canvas, "Domain", area.Left, y, headFont, ChartPalette.Ink);
            y += 18;
            foreach (var (name, sketch) in new[] { ("photo", false), ("sketch", true) })
            {
                DrawMarker(canvas, new SKPoint(area.Left + 8, y - 4), new SKColor(0x77, 0x77, 0x77), sketch);
                TextDrawing.Draw(canvas, name, area.Left + 22, y, font, ChartPalette.Ink);
                y += 18;
            }
            y += 10;
        }
        TextDrawing.Draw(canvas, "Class", area.Left, y, headFont, ChartPalette.Ink);
        y += 18;
        DrawClassEntries(canvas, map, area, y, font);
    }

    private static void DrawClassEntries(SKCanvas canvas, EmbeddingMap map, SKRect area, float y, SKFont font)
    {
        const float row = 17;
        var used = map.Labels.Distinct().Order().ToArray();
        int fits = Math.Max(0, (int)((area.Bottom - y) / row));
        int shown = used.Length <= fits ? used.Length : Math.Max(0, fits - 1);
        for (int k = 0; k < shown; k++)
        {
            using var swatch = new SKPaint { Color = ChartPalette.Color(used[k]), IsAntialias = true };
            canvas.DrawRoundRect(SKRect.Create(area.Left + 2, y - 10, 12, 12), 2, 2, swatch);
            TextDrawing.Draw(canvas, TextDrawing.Fit(map.ClassNames[used[k]], font, area.Width - 24), area.Left + 22, y,
                font, ChartPalette.Ink);
            y += row;
        }
        if (shown < used.Length)
            TextDrawing.Draw(canvas, $"+ {used.Length - shown} more classes", area.Left + 2, y, font, ChartPalette.SoftInk);
    }

    private static (double Min, double Max) Extent(IEnumerable<double> values)
    {
        var list = values.ToArray();
        double min = list.Min(), max = list.Max();
        return max > min ? (min, max) : (min - 1, max + 1);
    }

    private static void Validate(EmbeddingMap map)
    {
        ArgumentNullException.ThrowIfNull(map);
        int n = map.X.Length;
        if (map.Y.Length != n || map.Labels.Length != n || (map.IsSketch is { } s && s.Length != n))
            throw new ArgumentException("X, Y, Labels and IsSketch must have one entry per point.", nameof(map));
        if (map.Labels.Any(l => l < 0 || l >= map.ClassNames.Count))
            throw new ArgumentException("A label is outside the class names.", nameof(map));
        if (map.Thumbnails?.Any(t => t.PointIndex < 0 || t.PointIndex >= n) == true)
            throw new ArgumentException("A thumbnail points at no point.", nameof(map));
    }
}
