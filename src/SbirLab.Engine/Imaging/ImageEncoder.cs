using SbirLab.Core.Runs;
using SkiaSharp;

namespace SbirLab.Engine.Imaging;

/// <summary>
/// Encodes raw uint8 pixels (grey, RGB or RGBA; interleaved HWC or planar CHW) to PNG, JPEG or WebP bytes with Skia.
/// The channel count is inferred from the buffer length: width × height × {1, 3, 4}.
/// </summary>
public static class ImageEncoder
{
    /// <summary>Encodes the pixels; <paramref name="quality"/> (0–100) matters for lossy formats only.</summary>
    public static byte[] Encode(ReadOnlySpan<byte> pixels, int width, int height, SKEncodedImageFormat format,
        int quality = 95, PixelLayout layout = PixelLayout.Hwc)
    {
        using var bitmap = ToBitmap(pixels, width, height, layout);
        using var data = bitmap.Encode(format, quality)
            ?? throw new InvalidOperationException($"Skia could not encode {format}.");
        return data.ToArray();
    }

    /// <summary>Builds a bitmap from the pixels (grey images stay Gray8, others become RGBA8888).</summary>
    public static SKBitmap ToBitmap(ReadOnlySpan<byte> pixels, int width, int height, PixelLayout layout = PixelLayout.Hwc)
    {
        var channels = ChannelsOf(pixels.Length, width, height);
        if (channels == 1)
        {
            var grey = new SKBitmap(new SKImageInfo(width, height, SKColorType.Gray8, SKAlphaType.Opaque));
            pixels.CopyTo(grey.GetPixelSpan());
            return grey;
        }

        var bitmap = new SKBitmap(new SKImageInfo(width, height, SKColorType.Rgba8888,
            channels == 4 ? SKAlphaType.Unpremul : SKAlphaType.Opaque));
        FillRgba(pixels, bitmap.GetPixelSpan(), channels, width * height, layout);
        return bitmap;
    }

    private static void FillRgba(ReadOnlySpan<byte> pixels, Span<byte> rgba, int channels, int count, PixelLayout layout)
    {
        for (var p = 0; p < count; p++)
        {
            for (var c = 0; c < 4; c++)
            {
                rgba[(4 * p) + c] = c < channels
                    ? pixels[layout == PixelLayout.Hwc ? (channels * p) + c : (c * count) + p]
                    : (byte)255;
            }
        }
    }

    private static int ChannelsOf(int length, int width, int height)
    {
        var pixels = width * height;
        if (pixels <= 0 || length % pixels != 0 || length / pixels is not (1 or 3 or 4))
        {
            throw new ArgumentException($"{length} bytes is not {width}×{height}×(1, 3 or 4).");
        }

        return length / pixels;
    }
}

/// <summary>Writes grey, RGB or RGBA uint8 pixels to PNG files (figures, reports, debug dumps).</summary>
public static class PngWriter
{
    /// <summary>Saves the pixels as a PNG at <paramref name="path"/>, creating its folder if needed.</summary>
    public static void Save(ReadOnlySpan<byte> pixels, int width, int height, string path, PixelLayout layout = PixelLayout.Hwc)
    {
        AtomicFile.WriteAllBytes(path, Encode(pixels, width, height, layout));
    }

    /// <summary>The PNG bytes of the pixels.</summary>
    public static byte[] Encode(ReadOnlySpan<byte> pixels, int width, int height, PixelLayout layout = PixelLayout.Hwc) =>
        ImageEncoder.Encode(pixels, width, height, SKEncodedImageFormat.Png, 100, layout);
}
