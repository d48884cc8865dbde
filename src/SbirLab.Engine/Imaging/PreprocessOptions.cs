using SkiaSharp;

namespace SbirLab.Engine.Imaging;

/// <summary>How an image of any aspect ratio is brought to the square output size.</summary>
public enum FitMode
{
    /// <summary>Scale so the shorter side equals the size, then cut the centre square (torchvision Resize + CenterCrop).</summary>
    CenterCrop,

    /// <summary>Scale so the longer side equals the size and centre it on a square filled with the background colour.</summary>
    Pad,

    /// <summary>Scale each axis independently to the size (changes the aspect ratio).</summary>
    Stretch,
}

/// <summary>Memory order of a uint8 image: channel planes (C×H×W, what tensors want) or interleaved pixels (H×W×C).</summary>
public enum PixelLayout
{
    /// <summary>Channel-major: all of channel 0, then channel 1, ...</summary>
    Chw,

    /// <summary>Pixel-major: R, G, B of pixel 0, then of pixel 1, ...</summary>
    Hwc,
}

/// <summary>
/// What <see cref="ImagePreprocessor"/> produces: a square <see cref="Size"/>×<see cref="Size"/> uint8 image with
/// 1 (grey) or 3 (RGB) channels. <see cref="Background"/> fills padding and shows through transparent pixels;
/// white suits sketches (dark strokes on white paper).
/// </summary>
public sealed record PreprocessOptions
{
    /// <summary>Output side length in pixels.</summary>
    public int Size { get; init; } = 224;

    /// <summary>1 for grey (ITU-R 601 luma, as PIL's "L"), 3 for RGB; grey inputs become three equal channels.</summary>
    public int Channels { get; init; } = 3;

    /// <summary>How the aspect ratio is handled.</summary>
    public FitMode Fit { get; init; } = FitMode.CenterCrop;

    /// <summary>Colour of padding and of transparent pixels.</summary>
    public SKColor Background { get; init; } = SKColors.White;

    /// <summary>Memory order of the output bytes.</summary>
    public PixelLayout Layout { get; init; } = PixelLayout.Chw;

    /// <summary>Bytes per output image: channels × size × size.</summary>
    public int OutputLength => Channels * Size * Size;

    /// <summary>A stable text that identifies every option that changes the output bytes (used in cache keys).</summary>
    public string Fingerprint => $"size={Size};channels={Channels};fit={Fit};bg={(uint)Background:X8};layout={Layout}";

    /// <summary>Throws when the options cannot produce an image.</summary>
    public void Validate()
    {
        if (Size <= 0)
        {
            throw new ArgumentOutOfRangeException(nameof(Size), Size, "Size must be positive.");
        }

        if (Channels is not (1 or 3))
        {
            throw new ArgumentOutOfRangeException(nameof(Channels), Channels, "Channels must be 1 or 3.");
        }
    }
}
