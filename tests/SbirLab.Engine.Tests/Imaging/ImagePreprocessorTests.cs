using SbirLab.Engine.Imaging;
using SkiaSharp;
using TorchSharp;

namespace SbirLab.Engine.Tests.Imaging;

public class ImagePreprocessorTests
{
    private static SKBitmap Bitmap(byte[] pixels, int width, int height) => ImageEncoder.ToBitmap(pixels, width, height);

    private static (byte, byte, byte) ChwRgb(byte[] chw, int size, int x, int y)
    {
        var plane = size * size;
        var p = (y * size) + x;
        return (chw[p], chw[plane + p], chw[(2 * plane) + p]);
    }

    [Fact]
    public void PadKeepsAspectAndFillsTheRestWithTheBackground()
    {
        // 200×100 red → scale 32/200 = 0.16 → 32×16, centred: rows 8..23 red, rows 0..7 and 24..31 background.
        using var source = Bitmap(TestImages.Solid(200, 100, 255, 0, 0), 200, 100);
        var output = new ImagePreprocessor(new PreprocessOptions { Size = 32, Fit = FitMode.Pad }).Process(source);

        Assert.Equal(3 * 32 * 32, output.Length);
        for (var y = 0; y < 32; y++)
        {
            var expected = y is >= 8 and < 24 ? ((byte)255, (byte)0, (byte)0) : ((byte)255, (byte)255, (byte)255);
            for (var x = 0; x < 32; x++)
            {
                Assert.Equal(expected, ChwRgb(output, 32, x, y));
            }
        }
    }

    [Fact]
    public void PadColourIsConfigurable()
    {
        using var source = Bitmap(TestImages.Solid(20, 40, 0, 0, 255), 20, 40);
        var options = new PreprocessOptions { Size = 16, Fit = FitMode.Pad, Background = new SKColor(10, 20, 30) };
        var output = new ImagePreprocessor(options).Process(source);

        // 20×40 → 8×16 centred: columns 0..3 and 12..15 are padding.
        Assert.Equal(((byte)10, (byte)20, (byte)30), ChwRgb(output, 16, 0, 5));
        Assert.Equal(((byte)10, (byte)20, (byte)30), ChwRgb(output, 16, 15, 5));
        Assert.Equal(((byte)0, (byte)0, (byte)255), ChwRgb(output, 16, 8, 5));
    }

    [Fact]
    public void CenterCropKeepsOnlyTheMiddleOfAWideImage()
    {
        // 200×100: columns 0–49 red, 50–149 green, 150–199 blue. Crop to 32: scale 0.32 → 64×32,
        // the kept centre 32 columns are source columns 50..150, i.e. the green band.
        var pixels = new byte[200 * 100 * 3];
        for (var y = 0; y < 100; y++)
        {
            for (var x = 0; x < 200; x++)
            {
                pixels[(3 * ((y * 200) + x)) + (x < 50 ? 0 : x < 150 ? 1 : 2)] = 255;
            }
        }

        using var source = Bitmap(pixels, 200, 100);
        var output = new ImagePreprocessor(new PreprocessOptions { Size = 32 }).Process(source);

        for (var y = 0; y < 32; y++)
        {
            for (var x = 3; x < 29; x++)
            {
                Assert.Equal(((byte)0, (byte)255, (byte)0), ChwRgb(output, 32, x, y));
            }
        }
    }

    [Fact]
    public void AnImageAlreadyAtTheTargetSizeIsCopiedExactly()
    {
        var pixels = TestImages.Noise(24, 24, seed: 3);
        using var source = Bitmap(pixels, 24, 24);
        var output = new ImagePreprocessor(new PreprocessOptions { Size = 24, Layout = PixelLayout.Hwc }).Process(source);
        Assert.Equal(pixels, output);
    }

    [Fact]
    public void ChwAndHwcHoldTheSameValues()
    {
        using var source = Bitmap(TestImages.Noise(50, 30, seed: 4), 50, 30);
        var chw = new ImagePreprocessor(new PreprocessOptions { Size = 20 }).Process(source);
        var hwc = new ImagePreprocessor(new PreprocessOptions { Size = 20, Layout = PixelLayout.Hwc }).Process(source);

        for (var p = 0; p < 400; p++)
        {
            for (var c = 0; c < 3; c++)
            {
                Assert.Equal(hwc[(3 * p) + c], chw[(c * 400) + p]);
            }
        }
    }

    [Fact]
    public void OneChannelIsPilLumaAndGreyInputGivesThreeEqualChannels()
    {
        // Pure red: (255·299 + 500) / 1000 = 76745 / 1000 = 76.
        using var red = Bitmap(TestImages.Solid(8, 8, 255, 0, 0), 8, 8);
        var grey = new ImagePreprocessor(new PreprocessOptions { Size = 8, Channels = 1 }).Process(red);
        Assert.All(grey, v => Assert.Equal(76, v));

        var sketch = new byte[8 * 8];
        new Random(5).NextBytes(sketch);
        using var greyBitmap = ImageEncoder.ToBitmap(sketch, 8, 8);
        var rgb = new ImagePreprocessor(new PreprocessOptions { Size = 8 }).Process(greyBitmap);
        Assert.Equal(sketch, rgb[..64]);
        Assert.Equal(sketch, rgb[64..128]);
        Assert.Equal(sketch, rgb[128..]);
    }

    [Fact]
    public void TransparentPixelsShowTheBackground()
    {
        var rgba = new byte[4 * 4 * 4]; // all zero: black, fully transparent
        using var source = ImageEncoder.ToBitmap(rgba, 4, 4);
        var output = new ImagePreprocessor(new PreprocessOptions { Size = 4 }).Process(source);
        Assert.All(output, v => Assert.Equal(255, v));
    }

    [Fact]
    public void ToTensorScalesToUnitRangeAndNormalisesPerChannel()
    {
        // Two 3×2×2 images: image 0 all 0, image 1 all 255.
        var bytes = new byte[2 * 12];
        Array.Fill(bytes, (byte)255, 12, 12);

        using var plain = ImagePreprocessor.ToTensor(bytes, 2, 3, 2, 2);
        Assert.Equal([2L, 3, 2, 2], plain.shape);
        Assert.Equal(0f, plain[0].max().item<float>());
        Assert.Equal(1f, plain[1].min().item<float>());

        using var normalised = ImagePreprocessor.ToTensor(bytes, 2, 3, 2, 2, ImageNormalisation.ImageNet);
        // Channel 1 of the black image: (0 − 0.456) / 0.224 = −2.0357; channel 2 of the white one: (1 − 0.406) / 0.225 = 2.64.
        Assert.Equal(-2.0357f, normalised[0, 1, 0, 0].item<float>(), 3);
        Assert.Equal(2.64f, normalised[1, 2, 1, 1].item<float>(), 3);
        Assert.Equal(torch.ScalarType.Float32, normalised.dtype);
    }
}
