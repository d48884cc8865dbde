using SbirLab.Engine.Imaging;

namespace SbirLab.Engine.Tests.Imaging;

public class PngWriterTests
{
    [Fact]
    public void GreyAndPlanarRgbImagesRoundTripThroughPng()
    {
        using var dir = new TempDir();
        var grey = TestImages.Noise(9, 4, seed: 10, channels: 1);
        PngWriter.Save(grey, 9, 4, dir.File("sub", "grey.png"));
        Assert.True(ImageDecoder.TryDecode(dir.File("sub", "grey.png"), out var greyBitmap, out _));
        using (greyBitmap)
        {
            Assert.Equal(grey[(2 * 9) + 5], greyBitmap!.GetPixel(5, 2).Red);
            Assert.Equal(grey[(2 * 9) + 5], greyBitmap.GetPixel(5, 2).Blue);
        }

        // CHW: plane R then G then B; pixel (x=1, y=2) of a 3×3 image is index 7 of each plane.
        var chw = TestImages.Noise(3, 3, seed: 11);
        PngWriter.Save(chw, 3, 3, dir.File("rgb.png"), PixelLayout.Chw);
        Assert.True(ImageDecoder.TryDecode(dir.File("rgb.png"), out var rgbBitmap, out _));
        using (rgbBitmap)
        {
            var colour = rgbBitmap!.GetPixel(1, 2);
            Assert.Equal((chw[7], chw[9 + 7], chw[18 + 7]), (colour.Red, colour.Green, colour.Blue));
        }
    }

    [Fact]
    public void ABufferOfTheWrongLengthIsRejected()
    {
        Assert.Throws<ArgumentException>(() => PngWriter.Encode(new byte[10], 3, 3));
    }
}
