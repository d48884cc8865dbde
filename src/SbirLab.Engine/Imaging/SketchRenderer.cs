using SkiaSharp;

namespace SbirLab.Engine.Imaging;

/// <summary>
/// How <see cref="SketchRenderer"/> maps stroke coordinates to the output square and which grey levels it uses.
/// Three coordinate systems: unit ([0, 1], the default), a browser canvas of <see cref="CanvasWidth"/>×<see cref="CanvasHeight"/>
/// pixels (scaled uniformly, centred), or <see cref="Normalise"/>: the strokes' bounding box fitted into the square
/// with <see cref="Margin"/> on each side, centred (what a sketch classifier wants regardless of where it was drawn).
/// </summary>
public sealed record SketchRenderOptions
{
    /// <summary>Fit the strokes' bounding box into the square (ignores the canvas size).</summary>
    public bool Normalise { get; init; }

    /// <summary>With <see cref="Normalise"/>: free border on each side as a fraction of the output size.</summary>
    public float Margin { get; init; } = 0.1f;

    /// <summary>Width of the drawing canvas in its own units; null means unit coordinates.</summary>
    public float? CanvasWidth { get; init; }

    /// <summary>Height of the drawing canvas in its own units; null means unit coordinates.</summary>
    public float? CanvasHeight { get; init; }

    /// <summary>Paper grey level.</summary>
    public byte Background { get; init; } = 255;

    /// <summary>Ink grey level.</summary>
    public byte Ink { get; init; }

    /// <summary>Antialiased strokes (grey edge pixels) or hard ones.</summary>
    public bool Antialias { get; init; } = true;
}

/// <summary>
/// Draws strokes as dark, round-capped, antialiased lines on white with SkiaSharp paths into a square grey image.
/// The single renderer of sketches: pseudo-sketches traced from images and strokes drawn in the browser go through
/// it, so both land in the same image domain. Deterministic for the same input.
/// </summary>
public static class SketchRenderer
{
    /// <summary>
    /// Renders <paramref name="strokes"/> into a <paramref name="size"/>×<paramref name="size"/> grey image (row-major bytes);
    /// <paramref name="strokeWidth"/> is in output pixels (times each stroke's <see cref="Stroke.WidthScale"/>). A one-point stroke is drawn as a dot of that diameter.
    /// </summary>
    public static byte[] Render(IReadOnlyList<Stroke> strokes, int size, float strokeWidth, SketchRenderOptions? options = null)
    {
        options ??= new SketchRenderOptions();
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(size);
        using var bitmap = new SKBitmap(new SKImageInfo(size, size, SKColorType.Rgba8888, SKAlphaType.Premul));
        using (var canvas = new SKCanvas(bitmap))
        {
            canvas.Clear(Grey(options.Background));
            var transform = Transform(strokes, size, options);
            DrawStrokes(canvas, strokes, transform, strokeWidth, options);
            canvas.Flush();
        }

        return RedChannel(bitmap);
    }

    private static void DrawStrokes(SKCanvas canvas, IReadOnlyList<Stroke> strokes, Func<StrokePoint, SKPoint> transform,
        float strokeWidth, SketchRenderOptions options)
    {
        using var line = new SKPaint
        {
            Color = Grey(options.Ink),
            IsAntialias = options.Antialias,
            Style = SKPaintStyle.Stroke,
            StrokeWidth = strokeWidth,
            StrokeCap = SKStrokeCap.Round,
            StrokeJoin = SKStrokeJoin.Round,
        };
        using var dot = new SKPaint { Color = Grey(options.Ink), IsAntialias = options.Antialias, Style = SKPaintStyle.Fill };
        foreach (var stroke in strokes)
        {
            line.StrokeWidth = strokeWidth * stroke.WidthScale;
            if (stroke.Points.Count == 1)
            {
                canvas.DrawCircle(transform(stroke.Points[0]), line.StrokeWidth / 2f, dot);
            }
            else if (stroke.Points.Count > 1)
            {
                using var path = new SKPath();
                path.MoveTo(transform(stroke.Points[0]));
                for (var i = 1; i < stroke.Points.Count; i++)
                {
                    path.LineTo(transform(stroke.Points[i]));
                }

                canvas.DrawPath(path, line);
            }
        }
    }

    /// <summary>The mapping from stroke coordinates to output pixels chosen by the options.</summary>
    private static Func<StrokePoint, SKPoint> Transform(IReadOnlyList<Stroke> strokes, int size, SketchRenderOptions options)
    {
        if (options.Normalise)
        {
            return FitBoundingBox(strokes, size, options.Margin);
        }

        if (options.CanvasWidth is { } w && options.CanvasHeight is { } h)
        {
            var scale = size / Math.Max(w, h);
            var offsetX = (size - (w * scale)) / 2f;
            var offsetY = (size - (h * scale)) / 2f;
            return p => new SKPoint(offsetX + (p.X * scale), offsetY + (p.Y * scale));
        }

        return p => new SKPoint(p.X * size, p.Y * size);
    }

    private static Func<StrokePoint, SKPoint> FitBoundingBox(IReadOnlyList<Stroke> strokes, int size, float margin)
    {
        var points = strokes.SelectMany(s => s.Points).ToList();
        if (points.Count == 0)
        {
            return p => new SKPoint(p.X, p.Y);
        }

        var minX = points.Min(p => p.X);
        var maxX = points.Max(p => p.X);
        var minY = points.Min(p => p.Y);
        var maxY = points.Max(p => p.Y);
        var extent = Math.Max(maxX - minX, maxY - minY);
        var inner = size * (1f - (2f * margin));
        var scale = extent > 0 ? inner / extent : 0f;
        var centreX = (minX + maxX) / 2f;
        var centreY = (minY + maxY) / 2f;
        return p => new SKPoint((size / 2f) + ((p.X - centreX) * scale), (size / 2f) + ((p.Y - centreY) * scale));
    }

    private static byte[] RedChannel(SKBitmap bitmap)
    {
        var rgba = bitmap.GetPixelSpan();
        var grey = new byte[bitmap.Width * bitmap.Height];
        for (var i = 0; i < grey.Length; i++)
        {
            grey[i] = rgba[4 * i];
        }

        return grey;
    }

    private static SKColor Grey(byte level) => new(level, level, level);
}
