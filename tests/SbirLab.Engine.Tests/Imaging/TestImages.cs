using SbirLab.Engine.Imaging;
using SkiaSharp;

namespace SbirLab.Engine.Tests.Imaging;

/// <summary>A temporary folder deleted when the test ends.</summary>
internal sealed class TempDir : IDisposable
{
    public TempDir()
    {
        Path = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "sbirlab-tests-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(Path);
    }

    public string Path { get; }

    public string File(params string[] parts) => System.IO.Path.Combine([Path, .. parts]);

    public void Dispose()
    {
        try
        {
            Directory.Delete(Path, recursive: true);
        }
        catch (IOException)
        {
            // A memory-mapped file may still be closing; the OS temp cleaner removes leftovers.
        }
    }
}

/// <summary>Small synthetic images written and decoded by the imaging and dataset tests.</summary>
internal static class TestImages
{
    /// <summary>HWC RGB pixels where every pixel has the given colour.</summary>
    public static byte[] Solid(int width, int height, byte r, byte g, byte b)
    {
        var pixels = new byte[width * height * 3];
        for (var p = 0; p < width * height; p++)
        {
            pixels[3 * p] = r;
            pixels[(3 * p) + 1] = g;
            pixels[(3 * p) + 2] = b;
        }

        return pixels;
    }

    /// <summary>HWC RGB pixels with reproducible random values.</summary>
    public static byte[] Noise(int width, int height, int seed, int channels = 3)
    {
        var pixels = new byte[width * height * channels];
        new Random(seed).NextBytes(pixels);
        return pixels;
    }

    /// <summary>Writes an RGB image of a colour that depends on <paramref name="seed"/> as PNG or JPEG.</summary>
    public static void WriteColourImage(string path, int width, int height, int seed)
    {
        var rng = new Random(seed);
        var pixels = Solid(width, height, (byte)rng.Next(256), (byte)rng.Next(256), (byte)rng.Next(256));
        var format = path.EndsWith(".png", StringComparison.OrdinalIgnoreCase) ? SKEncodedImageFormat.Png : SKEncodedImageFormat.Jpeg;
        Directory.CreateDirectory(System.IO.Path.GetDirectoryName(path)!);
        File.WriteAllBytes(path, ImageEncoder.Encode(pixels, width, height, format, 95));
    }

    /// <summary>Writes bytes that no decoder accepts.</summary>
    public static void WriteCorrupt(string path)
    {
        Directory.CreateDirectory(System.IO.Path.GetDirectoryName(path)!);
        File.WriteAllBytes(path, "this is not an image"u8.ToArray());
    }

    /// <summary>RGB triple of pixel (x, y) of an HWC image.</summary>
    public static (byte R, byte G, byte B) Rgb(byte[] hwc, int width, int x, int y)
    {
        var i = 3 * ((y * width) + x);
        return (hwc[i], hwc[i + 1], hwc[i + 2]);
    }
}
