using SbirLab.Engine.Imaging;

namespace SbirLab.Engine.Tests.Imaging;

public class TrainAugmenterTests
{
    private const int Size = 32;

    private static byte[] Augment(byte[] image, int seed, AugmentationOptions? options = null)
    {
        var output = new byte[image.Length];
        new TrainAugmenter(options).Apply(image, output, 3, Size, new Random(seed));
        return output;
    }

    [Fact]
    public void TheSameSeedGivesTheSameImagesAndOtherSeedsDiffer()
    {
        var image = TestImages.Noise(Size, Size, seed: 6);
        Assert.Equal(Augment(image, 42), Augment(image, 42));
        var distinct = Enumerable.Range(0, 5).Select(s => Convert.ToHexString(Augment(image, s))).Distinct().Count();
        Assert.Equal(5, distinct);
    }

    [Fact]
    public void FullCropWithoutFlipIsTheIdentityAndWithFlipAMirror()
    {
        var image = TestImages.Noise(Size, Size, seed: 7);
        var keep = new AugmentationOptions { MinScale = 1, MaxScale = 1, MinRatio = 1, MaxRatio = 1, FlipProbability = 0 };
        Assert.Equal(image, Augment(image, 1, keep));

        var mirrored = Augment(image, 1, keep with { FlipProbability = 1 });
        for (var c = 0; c < 3; c++)
        {
            for (var y = 0; y < Size; y++)
            {
                for (var x = 0; x < Size; x++)
                {
                    Assert.Equal(image[(((c * Size) + y) * Size) + x], mirrored[(((c * Size) + y) * Size) + (Size - 1 - x)]);
                }
            }
        }
    }

    [Fact]
    public void SampledCropsStayInsideWithAreaAndRatioInRange()
    {
        var augmenter = new TrainAugmenter();
        var random = new Random(8);
        for (var i = 0; i < 2000; i++)
        {
            var box = augmenter.SampleCrop(224, 224, random);
            Assert.InRange(box.Left, 0, 224 - box.Width);
            Assert.InRange(box.Top, 0, 224 - box.Height);
            // Rounding of w and h to whole pixels moves area and ratio by about 1 %.
            Assert.InRange(box.Width * box.Height / (224.0 * 224.0), 0.58, 1.0);
            Assert.InRange((double)box.Width / box.Height, 0.74, 1.35);
        }
    }

    [Fact]
    public void BilinearUpsamplingUsesHalfPixelCentres()
    {
        // 1×2 row [0, 255] to width 4: source x = (i + 0.5)/2 − 0.5 = −0.25, 0.25, 0.75, 1.25 → clamped 0, 0.25, 0.75, 1
        // → 0, 63.75, 191.25, 255 → rounded 0, 64, 191, 255 (PyTorch bilinear, align_corners=False).
        byte[] source = [0, 255];
        var output = new byte[4];
        TrainAugmenter.ResizeBilinear(source, 1, 1, 2, new CropBox(0, 0, 1, 2), output, 1, 4, flip: false);
        Assert.Equal(new byte[] { 0, 64, 191, 255 }, output);
    }

    [Fact]
    public void CropsOfARegionReadOnlyThatRegion()
    {
        // Left half 0, right half 200: a crop inside the right half resizes to a flat 200 image.
        var image = new byte[Size * Size];
        for (var y = 0; y < Size; y++)
        {
            Array.Fill(image, (byte)200, (y * Size) + (Size / 2), Size / 2);
        }

        var output = new byte[Size * Size];
        TrainAugmenter.ResizeBilinear(image, 1, Size, Size, new CropBox(4, 16, 10, 12), output, Size, Size, flip: false);
        Assert.All(output, v => Assert.Equal(200, v));
    }
}

public class BilinearReferenceTests
{
    /// <summary>Straightforward double-precision bilinear resize with half-pixel centres, clamped to the crop.</summary>
    private static double Reference(byte[] image, int size, CropBox box, int outSize, int x, int y)
    {
        double Source(int i, int start, int length)
        {
            var s = ((i + 0.5) * length / outSize) - 0.5;
            return start + Math.Clamp(s, 0, length - 1);
        }

        var sx = Source(x, box.Left, box.Width);
        var sy = Source(y, box.Top, box.Height);
        int x0 = (int)Math.Floor(sx), y0 = (int)Math.Floor(sy);
        int x1 = Math.Min(x0 + 1, box.Left + box.Width - 1), y1 = Math.Min(y0 + 1, box.Top + box.Height - 1);
        double fx = sx - x0, fy = sy - y0;
        double P(int px, int py) => image[(py * size) + px];
        var top = (P(x0, y0) * (1 - fx)) + (P(x1, y0) * fx);
        var bottom = (P(x0, y1) * (1 - fx)) + (P(x1, y1) * fx);
        return (top * (1 - fy)) + (bottom * fy);
    }

    [Fact]
    public void FixedPointResizeIsWithinOneLevelOfTheDoubleReference()
    {
        const int size = 40;
        var image = TestImages.Noise(size, size, seed: 12, channels: 1);
        var augmenter = new TrainAugmenter();
        var random = new Random(13);
        var output = new byte[size * size];
        for (var trial = 0; trial < 20; trial++)
        {
            var box = augmenter.SampleCrop(size, size, random);
            TrainAugmenter.ResizeBilinear(image, 1, size, size, box, output, size, size, flip: false);
            for (var y = 0; y < size; y++)
            {
                for (var x = 0; x < size; x++)
                {
                    Assert.InRange(output[(y * size) + x] - Reference(image, size, box, size, x, y), -1.0, 1.0);
                }
            }
        }
    }
}
