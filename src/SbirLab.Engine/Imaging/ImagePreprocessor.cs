using System.Runtime.InteropServices;
using SkiaSharp;
using TorchSharp;
using static TorchSharp.torch;

namespace SbirLab.Engine.Imaging;

/// <summary>
/// Turns a decoded bitmap of any size into the fixed-size uint8 image a network consumes (resize keeping the
/// aspect ratio, then centre-crop or pad, then grey or RGB, CHW or HWC), and turns batches of such images into
/// float tensors. Resampling uses Skia's linear filter with mipmaps, which antialiases strong downscaling.
/// Thread-safe: it holds only immutable options.
/// </summary>
public sealed class ImagePreprocessor
{
    private static readonly SKSamplingOptions Sampling = new(SKFilterMode.Linear, SKMipmapMode.Linear);

    /// <summary>Creates a preprocessor for the given options (validated here).</summary>
    public ImagePreprocessor(PreprocessOptions options)
    {
        options.Validate();
        Options = options;
    }

    /// <summary>The output specification.</summary>
    public PreprocessOptions Options { get; }

    /// <summary>Returns a new array of <see cref="PreprocessOptions.OutputLength"/> bytes.</summary>
    public byte[] Process(SKBitmap source)
    {
        var output = new byte[Options.OutputLength];
        Process(source, output);
        return output;
    }

    /// <summary>Writes the processed image into <paramref name="destination"/> (exactly OutputLength bytes).</summary>
    public void Process(SKBitmap source, Span<byte> destination)
    {
        if (destination.Length != Options.OutputLength)
        {
            throw new ArgumentException($"Destination holds {destination.Length} bytes; {Options.OutputLength} needed.", nameof(destination));
        }

        using var square = RenderSquare(source);
        WriteChannels(square.GetPixelSpan(), destination);
    }

    /// <summary>Decodes and processes a file; returns false (with the reason) for an unreadable image.</summary>
    public bool TryProcessFile(string path, Span<byte> destination, out string? error)
    {
        if (!ImageDecoder.TryDecode(path, Options.Size, out var bitmap, out error))
        {
            return false;
        }

        using (bitmap)
        {
            Process(bitmap!, destination);
        }

        return true;
    }

    /// <summary>
    /// Converts <paramref name="count"/> contiguous uint8 CHW images into a float32 tensor [count, C, H, W] with
    /// values in [0, 1], optionally normalised per channel.
    /// </summary>
    public static Tensor ToTensor(ReadOnlySpan<byte> chwImages, int count, int channels, int height, int width,
        ImageNormalisation? normalisation = null, Device? device = null)
    {
        var perImage = channels * height * width;
        if (chwImages.Length != count * perImage)
        {
            throw new ArgumentException($"Expected {count}×{perImage} bytes, got {chwImages.Length}.", nameof(chwImages));
        }

        if (normalisation is not null && normalisation.Channels != channels)
        {
            throw new ArgumentException($"Normalisation has {normalisation.Channels} channels, images have {channels}.", nameof(normalisation));
        }

        var result = empty([count, channels, height, width], ScalarType.Float32);
        var values = MemoryMarshal.Cast<byte, float>(result.bytes);
        FillScaled(chwImages, values, channels, height * width, normalisation);
        return device is null || device.type == DeviceType.CPU ? result : MoveTo(result, device);
    }

    /// <summary>Stacks equally sized CHW images (each channels×size×size bytes) into a float32 [B, C, size, size] tensor.</summary>
    public static Tensor ToTensor(IReadOnlyList<byte[]> chwImages, int channels, int size,
        ImageNormalisation? normalisation = null, Device? device = null)
    {
        var perImage = channels * size * size;
        var all = new byte[chwImages.Count * perImage];
        for (var i = 0; i < chwImages.Count; i++)
        {
            chwImages[i].AsSpan().CopyTo(all.AsSpan(i * perImage, perImage));
        }

        return ToTensor(all, chwImages.Count, channels, size, size, normalisation, device);
    }

    private static Tensor MoveTo(Tensor cpuTensor, Device device)
    {
        using (cpuTensor)
        {
            return cpuTensor.to(device);
        }
    }

    private static void FillScaled(ReadOnlySpan<byte> source, Span<float> target, int channels, int planeSize,
        ImageNormalisation? normalisation)
    {
        var scale = new float[channels];
        var offset = new float[channels];
        for (var c = 0; c < channels; c++)
        {
            var std = normalisation?.Std[c] ?? 1f;
            var mean = normalisation?.Mean[c] ?? 0f;
            scale[c] = 1f / (255f * std);
            offset[c] = -mean / std;
        }

        for (var plane = 0; plane * planeSize < source.Length; plane++)
        {
            var c = plane % channels;
            var src = source.Slice(plane * planeSize, planeSize);
            var dst = target.Slice(plane * planeSize, planeSize);
            for (var i = 0; i < planeSize; i++)
            {
                dst[i] = src[i] * scale[c] + offset[c];
            }
        }
    }

    private SKBitmap RenderSquare(SKBitmap source)
    {
        var size = Options.Size;
        var square = new SKBitmap(new SKImageInfo(size, size, SKColorType.Rgba8888, SKAlphaType.Premul));
        using var canvas = new SKCanvas(square);
        canvas.Clear(Options.Background);
        using var image = SKImage.FromBitmap(source);
        canvas.DrawImage(image, DestinationRect(source.Width, source.Height), Sampling, null);
        canvas.Flush();
        return square;
    }

    /// <summary>Where the whole source lands on the square canvas; parts outside the canvas are cropped away.</summary>
    internal SKRect DestinationRect(int width, int height)
    {
        float size = Options.Size;
        switch (Options.Fit)
        {
            case FitMode.Stretch:
                return new SKRect(0, 0, size, size);
            case FitMode.Pad:
                {
                    var scale = size / Math.Max(width, height);
                    var w = Math.Max(1, (int)MathF.Round(width * scale));
                    var h = Math.Max(1, (int)MathF.Round(height * scale));
                    var left = (Options.Size - w) / 2;
                    var top = (Options.Size - h) / 2;
                    return new SKRect(left, top, left + w, top + h);
                }

            default:
                {
                    var scale = size / Math.Min(width, height);
                    var w = width * scale;
                    var h = height * scale;
                    var left = (size - w) / 2f;
                    var top = (size - h) / 2f;
                    return new SKRect(left, top, left + w, top + h);
                }
        }
    }

    private void WriteChannels(ReadOnlySpan<byte> rgba, Span<byte> destination)
    {
        var pixels = Options.Size * Options.Size;
        var channels = Options.Channels;
        var chw = Options.Layout == PixelLayout.Chw;
        for (var p = 0; p < pixels; p++)
        {
            var r = rgba[4 * p];
            var g = rgba[(4 * p) + 1];
            var b = rgba[(4 * p) + 2];
            if (channels == 1)
            {
                destination[p] = Luma(r, g, b);
            }
            else if (chw)
            {
                destination[p] = r;
                destination[pixels + p] = g;
                destination[(2 * pixels) + p] = b;
            }
            else
            {
                destination[3 * p] = r;
                destination[(3 * p) + 1] = g;
                destination[(3 * p) + 2] = b;
            }
        }
    }

    /// <summary>ITU-R 601-2 luma, rounded: (299 R + 587 G + 114 B) / 1000, as PIL's convert("L").</summary>
    internal static byte Luma(byte r, byte g, byte b) => (byte)(((r * 299) + (g * 587) + (b * 114) + 500) / 1000);
}
