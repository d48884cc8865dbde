using SbirLab.Engine.Imaging;
using SkiaSharp;

namespace SbirLab.Engine.Search;

/// <summary>
/// Turns an uploaded sketch image into strokes, so that an upload reaches the model through the same renderer as a
/// drawing (and as the training pseudo-sketches) instead of as a resized bitmap whose lines would be blurred or too
/// thick: the file's size is checked before decoding (no decompression bombs), the image is fitted grey onto a white
/// <see cref="WorkSize"/> square, pixels darker than the middle of its grey range are ink, the ink is thinned to
/// one-pixel lines (Zhang–Suen) and traced. Strokes are in [0, 1] coordinates of that square.
/// </summary>
public static class SketchUpload
{
    /// <summary>Largest image (width × height) that is decoded: 4096 × 4096.</summary>
    public const long MaxPixels = 4096L * 4096L;

    /// <summary>Side of the square the image is traced in; finer than any model input, coarse enough to be fast.</summary>
    public const int WorkSize = 256;

    /// <summary>Least difference between the darkest and the lightest grey for the image to hold a drawing.</summary>
    public const int MinContrast = 40;

    /// <summary>The strokes of an uploaded PNG/JPEG/WebP sketch; ArgumentException with a message when it cannot be one.</summary>
    public static IReadOnlyList<Stroke> ToStrokes(byte[] file)
    {
        var grey = DecodeGrey(file);
        bool[] ink = Ink(grey);
        ZhangSuenThinning.Thin(ink, WorkSize, WorkSize);
        var strokes = EdgeStrokes.FromLines(ink, WorkSize, WorkSize);
        if (strokes.Count == 0) throw new ArgumentException("the image holds no drawing");
        return strokes;
    }

    private static byte[] DecodeGrey(byte[] file)
    {
        using (var data = SKData.CreateCopy(file))
        using (var codec = SKCodec.Create(data))
        {
            if (codec is null) throw new ArgumentException("not a readable image (unknown format or corrupt header)");
            long pixels = (long)codec.Info.Width * codec.Info.Height;
            if (pixels > MaxPixels) throw new ArgumentException($"the image is {codec.Info.Width}×{codec.Info.Height}; at most 4096×4096 pixels");
        }

        if (!ImageDecoder.TryDecode(file, out var bitmap, out var error)) throw new ArgumentException("not a readable image: " + error);
        using (bitmap)
        {
            var options = new PreprocessOptions { Size = WorkSize, Channels = 1, Fit = FitMode.Pad, Layout = PixelLayout.Hwc };
            return new ImagePreprocessor(options).Process(bitmap!);
        }
    }

    /// <summary>
    /// Ink pixels: those below the middle of the image's grey range (which must span at least <see cref="MinContrast"/>),
    /// or those above it when the dark side covers most of the image.
    /// </summary>
    private static bool[] Ink(byte[] grey)
    {
        int darkest = grey.Min(), lightest = grey.Max();
        if (lightest - darkest < MinContrast) throw new ArgumentException("the image holds no drawing (it is nearly one colour)");
        int threshold = (darkest + lightest) / 2;
        var ink = grey.Select(g => g < threshold).ToArray();
        // Light lines on dark paper: the paper is the larger part of a sketch, so the minority is the ink.
        if (ink.Count(dark => dark) > ink.Length / 2) ink = ink.Select(dark => !dark).ToArray();
        return ink;
    }
}
