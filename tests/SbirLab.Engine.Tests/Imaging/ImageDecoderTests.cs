using SbirLab.Engine.Imaging;
using SkiaSharp;

namespace SbirLab.Engine.Tests.Imaging;

public class ImageDecoderTests
{
    [Fact]
    public void PngRoundTripKeepsEveryPixelExactly()
    {
        using var dir = new TempDir();
        var pixels = TestImages.Noise(7, 5, seed: 1);
        var path = dir.File("noise.png");
        PngWriter.Save(pixels, 7, 5, path);

        Assert.True(ImageDecoder.TryDecode(path, out var bitmap, out var error), error);
        using (bitmap)
        {
            Assert.Equal((7, 5), (bitmap!.Width, bitmap.Height));
            for (var y = 0; y < 5; y++)
            {
                for (var x = 0; x < 7; x++)
                {
                    var colour = bitmap.GetPixel(x, y);
                    Assert.Equal(TestImages.Rgb(pixels, 7, x, y), (colour.Red, colour.Green, colour.Blue));
                }
            }
        }
    }

    [Fact]
    public void JpegDecodesToTheEncodedColourWithinCompressionError()
    {
        var pixels = TestImages.Solid(40, 30, 200, 100, 50);
        var jpeg = ImageEncoder.Encode(pixels, 40, 30, SKEncodedImageFormat.Jpeg, 95);

        Assert.True(ImageDecoder.TryDecode(jpeg, out var bitmap, out var error), error);
        using (bitmap)
        {
            Assert.Equal((40, 30), (bitmap!.Width, bitmap.Height));
            var centre = bitmap.GetPixel(20, 15);
            // A flat block survives JPEG at quality 95 up to chroma rounding of a few levels.
            Assert.InRange(centre.Red, 195, 205);
            Assert.InRange(centre.Green, 95, 105);
            Assert.InRange(centre.Blue, 45, 55);
        }
    }

    [Fact]
    public void CorruptTruncatedEmptyAndMissingFilesFailWithAReasonInsteadOfThrowing()
    {
        using var dir = new TempDir();
        var png = PngWriter.Encode(TestImages.Noise(64, 64, seed: 2), 64, 64);
        File.WriteAllBytes(dir.File("truncated.png"), png[..(png.Length / 2)]);
        TestImages.WriteCorrupt(dir.File("garbage.jpg"));
        File.WriteAllBytes(dir.File("empty.png"), []);

        foreach (var name in new[] { "truncated.png", "garbage.jpg", "empty.png", "missing.png" })
        {
            Assert.False(ImageDecoder.TryDecode(dir.File(name), out var bitmap, out var error));
            Assert.Null(bitmap);
            Assert.False(string.IsNullOrWhiteSpace(error), name);
        }
    }

    [Fact]
    public void LargeJpegMayDecodeSmallerButNeverBelowTheRequestedShortSide()
    {
        var jpeg = ImageEncoder.Encode(TestImages.Solid(800, 600, 10, 20, 30), 800, 600, SKEncodedImageFormat.Jpeg, 90);

        Assert.True(ImageDecoder.TryDecode(jpeg, 224, out var reduced, out _));
        using (reduced)
        {
            Assert.InRange(Math.Min(reduced!.Width, reduced.Height), 224, 599);
            // The aspect ratio 4:3 is kept by DCT scaling (up to one pixel of rounding).
            Assert.InRange(reduced.Width * 3, (reduced.Height * 4) - 4, (reduced.Height * 4) + 4);
        }
    }
}
