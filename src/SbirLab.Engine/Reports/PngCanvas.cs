using SbirLab.Core.Runs;
using SkiaSharp;

namespace SbirLab.Engine.Reports;

/// <summary>Raster surface → PNG bytes → file: the one place where the report pictures touch the disk.</summary>
internal static class PngCanvas
{
    /// <summary>Draws on a white <paramref name="width"/>×<paramref name="height"/> canvas and encodes it as PNG.</summary>
    public static byte[] Encode(int width, int height, Action<SKCanvas> draw)
    {
        if (width <= 0 || height <= 0)
            throw new ArgumentOutOfRangeException(nameof(width), $"Picture size must be positive, got {width}x{height}.");
        var info = new SKImageInfo(width, height, SKColorType.Rgba8888, SKAlphaType.Premul);
        using var surface = SKSurface.Create(info)
            ?? throw new InvalidOperationException($"Skia could not make a {width}x{height} surface.");
        surface.Canvas.Clear(SKColors.White);
        draw(surface.Canvas);
        surface.Canvas.Flush();
        using var image = surface.Snapshot();
        using var data = image.Encode(SKEncodedImageFormat.Png, 100);
        return data.ToArray();
    }

    /// <summary>Writes PNG bytes to <paramref name="path"/>, creating its folder; readers never see half a picture (<see cref="AtomicFile"/>).</summary>
    public static void Save(string path, byte[] png) => AtomicFile.WriteAllBytes(path, png);
}

/// <summary>Small text helpers shared by the pictures: aligned drawing, vertical centring, and shortening.</summary>
internal static class TextDrawing
{
    /// <summary>Draws <paramref name="text"/> with its baseline at <paramref name="y"/>.</summary>
    public static void Draw(SKCanvas canvas, string text, float x, float y, SKFont font, SKColor color,
        SKTextAlign align = SKTextAlign.Left)
    {
        if (string.IsNullOrEmpty(text))
            return;
        using var paint = new SKPaint { Color = color, IsAntialias = true };
        canvas.DrawText(text, x, y, align, font, paint);
    }

    /// <summary>The baseline that centres capital letters vertically on <paramref name="middle"/>.</summary>
    public static float BaselineFor(float middle, SKFont font)
    {
        float capHeight = font.Metrics.CapHeight > 0 ? font.Metrics.CapHeight : font.Size * 0.7f;
        return middle + capHeight / 2;
    }

    /// <summary><paramref name="text"/>, cut with an ellipsis so that it fits <paramref name="maxWidth"/> pixels.</summary>
    public static string Fit(string text, SKFont font, float maxWidth)
    {
        if (font.MeasureText(text) <= maxWidth)
            return text;
        for (int keep = text.Length - 1; keep > 0; keep--)
        {
            string cut = text[..keep].TrimEnd() + "…";
            if (font.MeasureText(cut) <= maxWidth)
                return cut;
        }
        return "";
    }

    /// <summary>
    /// Like <see cref="Fit"/>, but shortens the part before the last space, so that a trailing number such as the
    /// distance in "ankle boot 0.92" stays readable ("ankle b… 0.92").
    /// </summary>
    public static string FitKeepingTail(string text, SKFont font, float maxWidth)
    {
        int space = text.LastIndexOf(' ');
        if (font.MeasureText(text) <= maxWidth || space <= 0)
            return Fit(text, font, maxWidth);
        string tail = text[space..];
        string head = Fit(text[..space], font, maxWidth - font.MeasureText(tail));
        return head.Length > 1 ? head + tail : Fit(text, font, maxWidth);
    }
}
