using SbirLab.Engine.Reports;
using SkiaSharp;

namespace SbirLab.Engine.Tests.Reports;

public class ImageBufferTests
{
    [Fact]
    public void Planar_floats_become_interleaved_bytes()
    {
        // 2×1 RGB, planes R = [0, 1], G = [0.5, 0.25], B = [1, −3 (clamped)]:
        // pixel 0 = (0, 0.5·255 = 127.5 → 128, 255), pixel 1 = (255, 63.75 → 64, 0).
        var image = ImageBuffer.FromPlanarFloats([0f, 1f, 0.5f, 0.25f, 1f, -3f], 2, 1, 3);
        Assert.Equal([0, 128, 255, 255, 64, 0], image.Pixels);
    }

    [Fact]
    public void Planar_floats_in_a_custom_range()
    {
        // [−1, 1] → 0..255: −1 → 0, 0 → 127.5 → 128, 1 → 255.
        var image = ImageBuffer.FromPlanarFloats([-1f, 0f, 1f], 3, 1, 1, low: -1, high: 1);
        Assert.Equal([0, 128, 255], image.Pixels);
    }

    [Theory]
    [InlineData(10, 2, 2, 3)]
    [InlineData(4, 2, 2, 2)]
    [InlineData(0, 0, 2, 1)]
    public void Inconsistent_sizes_are_refused(int bytes, int width, int height, int channels) =>
        Assert.Throws<ArgumentException>(() => new ImageBuffer(new byte[bytes], width, height, channels));

    [Fact]
    public void Decode_reads_a_png_back_as_rgba()
    {
        using var temp = new TempFolder();
        string path = temp.File("pixel.png");
        using (var bitmap = new SKBitmap(3, 2))
        {
            bitmap.Erase(new SKColor(10, 20, 30));
            bitmap.SetPixel(2, 1, new SKColor(200, 100, 50));
            using var data = bitmap.Encode(SKEncodedImageFormat.Png, 100);
            File.WriteAllBytes(path, data.ToArray());
        }
        var image = ImageBuffer.Decode(path);
        Assert.Equal((3, 2, 4), (image.Width, image.Height, image.Channels));
        Assert.Equal([10, 20, 30, 255], image.Pixels[..4]);
        Assert.Equal([200, 100, 50, 255], image.Pixels[^4..]);
    }
}
