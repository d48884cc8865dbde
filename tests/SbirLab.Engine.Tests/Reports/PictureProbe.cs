using SkiaSharp;

namespace SbirLab.Engine.Tests.Reports;

/// <summary>Decodes rendered PNGs and looks for colours in them.</summary>
internal static class PictureProbe
{
    public static SKBitmap Decode(byte[] png) =>
        SKBitmap.Decode(png) ?? throw new InvalidDataException("PNG did not decode.");

    public static SKBitmap Decode(string path) =>
        SKBitmap.Decode(path) ?? throw new InvalidDataException($"{path} did not decode.");

    public static bool Near(SKColor a, SKColor b, int tolerance) =>
        Math.Abs(a.Red - b.Red) <= tolerance && Math.Abs(a.Green - b.Green) <= tolerance
        && Math.Abs(a.Blue - b.Blue) <= tolerance;

    /// <summary>Pixels inside <paramref name="area"/> within <paramref name="tolerance"/> of <paramref name="color"/>.</summary>
    public static int CountNear(SKBitmap bitmap, SKRect area, SKColor color, int tolerance = 12) =>
        Pixels(bitmap, area).Count(p => Near(p, color, tolerance));

    /// <summary>Pixels inside <paramref name="area"/> whose channels are all below <paramref name="threshold"/>.</summary>
    public static int CountDark(SKBitmap bitmap, SKRect area, int threshold = 110) =>
        Pixels(bitmap, area).Count(p => p.Red < threshold && p.Green < threshold && p.Blue < threshold);

    /// <summary>True when some pixel of the (2r+1)² square around (x, y) is near <paramref name="color"/>.</summary>
    public static bool AnyNear(SKBitmap bitmap, float x, float y, SKColor color, int radius = 1, int tolerance = 12) =>
        CountNear(bitmap, new SKRect(x - radius, y - radius, x + radius + 1, y + radius + 1), color, tolerance) > 0;

    /// <summary>What a colour with <paramref name="alpha"/> looks like drawn over white.</summary>
    public static SKColor OverWhite(SKColor color, byte alpha) => new(
        (byte)Math.Round(255 + (color.Red - 255) * alpha / 255.0),
        (byte)Math.Round(255 + (color.Green - 255) * alpha / 255.0),
        (byte)Math.Round(255 + (color.Blue - 255) * alpha / 255.0));

    private static IEnumerable<SKColor> Pixels(SKBitmap bitmap, SKRect area)
    {
        int left = Math.Max(0, (int)Math.Floor(area.Left)), top = Math.Max(0, (int)Math.Floor(area.Top));
        int right = Math.Min(bitmap.Width, (int)Math.Ceiling(area.Right));
        int bottom = Math.Min(bitmap.Height, (int)Math.Ceiling(area.Bottom));
        var pixels = bitmap.Pixels;
        for (int y = top; y < bottom; y++)
            for (int x = left; x < right; x++)
                yield return pixels[y * bitmap.Width + x];
    }
}

/// <summary>A temporary folder removed after the test.</summary>
internal sealed class TempFolder : IDisposable
{
    public string Path { get; } = Directory.CreateTempSubdirectory("sbirlab-reports-").FullName;

    public string File(string name) => System.IO.Path.Combine(Path, name);

    public void Dispose() => Directory.Delete(Path, recursive: true);
}
