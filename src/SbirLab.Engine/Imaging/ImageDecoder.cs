using SkiaSharp;

namespace SbirLab.Engine.Imaging;

/// <summary>
/// Decodes PNG, JPEG, BMP, GIF and WebP files into RGBA8888 (unpremultiplied) bitmaps with SkiaSharp.
/// Never throws for bad input: a missing, truncated or corrupt file yields <c>false</c> and a readable error,
/// so that dataset loaders can skip and count such files instead of crashing mid-epoch.
/// </summary>
/// <remarks>
/// EXIF orientation is not applied (as in PIL/torchvision defaults), so pixels match what Python pipelines see.
/// A truncated image that Skia can only partly decode counts as a failure.
/// </remarks>
public static class ImageDecoder
{
    /// <summary>Decodes the file at <paramref name="path"/> at full resolution.</summary>
    public static bool TryDecode(string path, out SKBitmap? bitmap, out string? error) =>
        TryDecode(path, 0, out bitmap, out error);

    /// <summary>
    /// Decodes the file at <paramref name="path"/>; when <paramref name="minShortSide"/> is positive, a codec that
    /// can decode at a reduced scale (JPEG's DCT scaling) may return a smaller bitmap whose shorter side is still
    /// at least <paramref name="minShortSide"/>, which makes large photos much cheaper to shrink.
    /// </summary>
    public static bool TryDecode(string path, int minShortSide, out SKBitmap? bitmap, out string? error)
    {
        bitmap = null;
        byte[] data;
        try
        {
            data = File.ReadAllBytes(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or ArgumentException or NotSupportedException)
        {
            error = $"cannot read file: {e.Message}";
            return false;
        }

        return TryDecode(data, minShortSide, out bitmap, out error);
    }

    /// <summary>Decodes an encoded image held in memory at full resolution.</summary>
    public static bool TryDecode(ReadOnlySpan<byte> encoded, out SKBitmap? bitmap, out string? error) =>
        TryDecode(encoded, 0, out bitmap, out error);

    /// <summary>Decodes an encoded image held in memory; see the path overload for <paramref name="minShortSide"/>.</summary>
    public static bool TryDecode(ReadOnlySpan<byte> encoded, int minShortSide, out SKBitmap? bitmap, out string? error)
    {
        bitmap = null;
        if (encoded.IsEmpty)
        {
            error = "empty file";
            return false;
        }

        using var data = SKData.CreateCopy(encoded);
        using var codec = SKCodec.Create(data);
        if (codec is null)
        {
            error = "not a decodable image (unknown format or corrupt header)";
            return false;
        }

        return TryDecodeWithCodec(codec, minShortSide, out bitmap, out error);
    }

    private static bool TryDecodeWithCodec(SKCodec codec, int minShortSide, out SKBitmap? bitmap, out string? error)
    {
        var size = ChooseDecodeSize(codec, minShortSide);
        if (size.Width <= 0 || size.Height <= 0)
        {
            bitmap = null;
            error = $"invalid image size {size.Width}x{size.Height}";
            return false;
        }

        var info = new SKImageInfo(size.Width, size.Height, SKColorType.Rgba8888, SKAlphaType.Unpremul);
        var result = new SKBitmap(info);
        var status = codec.GetPixels(info, result.GetPixels());
        if (status != SKCodecResult.Success)
        {
            result.Dispose();
            bitmap = null;
            error = status == SKCodecResult.IncompleteInput ? "truncated image data" : $"decode failed ({status})";
            return false;
        }

        bitmap = result;
        error = null;
        return true;
    }

    private static SKSizeI ChooseDecodeSize(SKCodec codec, int minShortSide)
    {
        var full = codec.Info.Size;
        var shortSide = Math.Min(full.Width, full.Height);
        if (minShortSide <= 0 || shortSide <= minShortSide)
        {
            return full;
        }

        var scaled = codec.GetScaledDimensions((float)minShortSide / shortSide);
        return Math.Min(scaled.Width, scaled.Height) >= minShortSide ? scaled : full;
    }
}
