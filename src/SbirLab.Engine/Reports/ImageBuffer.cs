using SkiaSharp;

namespace SbirLab.Engine.Reports;

/// <summary>
/// A small 8-bit image handed to the report pictures: interleaved pixels, row-major, with 1 (grey),
/// 3 (RGB) or 4 (RGBA) channels. It keeps the report code free of tensors and of any image library type.
/// </summary>
/// <param name="Pixels">Interleaved bytes, <c>Width * Height * Channels</c> of them.</param>
/// <param name="Width">Width in pixels.</param>
/// <param name="Height">Height in pixels.</param>
/// <param name="Channels">1, 3 or 4.</param>
public sealed record ImageBuffer(byte[] Pixels, int Width, int Height, int Channels)
{
    /// <summary>The bytes, checked against the declared size when the record is made.</summary>
    public byte[] Pixels { get; } = CheckedPixels(Pixels, Width, Height, Channels);

    /// <summary>
    /// Builds an image from planar (channel, row, column) floats, as a CHW tensor holds them, mapping
    /// <paramref name="low"/>..<paramref name="high"/> to 0..255 and clamping outside values.
    /// </summary>
    public static ImageBuffer FromPlanarFloats(ReadOnlySpan<float> chw, int width, int height, int channels,
        float low = 0f, float high = 1f)
    {
        if (chw.Length != width * height * channels)
            throw new ArgumentException($"Expected {width * height * channels} values, got {chw.Length}.", nameof(chw));
        if (!(high > low))
            throw new ArgumentException("high must exceed low.", nameof(high));
        var pixels = new byte[chw.Length];
        int plane = width * height;
        for (int c = 0; c < channels; c++)
            for (int i = 0; i < plane; i++)
                pixels[i * channels + c] = ToByte((chw[c * plane + i] - low) / (high - low));
        return new ImageBuffer(pixels, width, height, channels);
    }

    /// <summary>Decodes an image file (PNG, JPEG, ...) into an RGBA buffer.</summary>
    public static ImageBuffer Decode(string path)
    {
        using var decoded = SKBitmap.Decode(path)
            ?? throw new InvalidDataException($"Cannot decode image '{path}'.");
        using var rgba = new SKBitmap(new SKImageInfo(decoded.Width, decoded.Height, SKColorType.Rgba8888, SKAlphaType.Unpremul));
        using (var canvas = new SKCanvas(rgba))
        {
            canvas.Clear(SKColors.Transparent);
            canvas.DrawBitmap(decoded, 0, 0);
        }
        return new ImageBuffer(rgba.Bytes, rgba.Width, rgba.Height, 4);
    }

    /// <summary>Converts the buffer into a Skia image (RGBA, unpremultiplied) for drawing.</summary>
    internal SKImage ToSkImage()
    {
        var rgba = new byte[Width * Height * 4];
        for (int i = 0; i < Width * Height; i++)
            CopyPixelAsRgba(i, rgba.AsSpan(i * 4, 4));
        var info = new SKImageInfo(Width, Height, SKColorType.Rgba8888, SKAlphaType.Unpremul);
        using var data = SKData.CreateCopy(rgba);
        return SKImage.FromPixels(info, data, Width * 4)
            ?? throw new InvalidOperationException("Skia refused the image pixels.");
    }

    private void CopyPixelAsRgba(int index, Span<byte> rgba)
    {
        int at = index * Channels;
        switch (Channels)
        {
            case 1:
                rgba[0] = rgba[1] = rgba[2] = Pixels[at];
                rgba[3] = 255;
                break;
            case 3:
                rgba[0] = Pixels[at];
                rgba[1] = Pixels[at + 1];
                rgba[2] = Pixels[at + 2];
                rgba[3] = 255;
                break;
            default:
                Pixels.AsSpan(at, 4).CopyTo(rgba);
                break;
        }
    }

    private static byte ToByte(float unit) =>
        float.IsNaN(unit) ? (byte)0 : (byte)Math.Round(Math.Clamp(unit, 0f, 1f) * 255f);

    private static byte[] CheckedPixels(byte[] pixels, int width, int height, int channels)
    {
        ArgumentNullException.ThrowIfNull(pixels);
        if (width <= 0 || height <= 0)
            throw new ArgumentException($"Image size must be positive, got {width}x{height}.");
        if (channels is not (1 or 3 or 4))
            throw new ArgumentException($"Channels must be 1, 3 or 4, got {channels}.");
        if (pixels.Length != width * height * channels)
            throw new ArgumentException($"Expected {width * height * channels} bytes for {width}x{height}x{channels}, got {pixels.Length}.");
        return pixels;
    }
}
