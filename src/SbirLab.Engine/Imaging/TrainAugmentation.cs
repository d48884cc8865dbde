namespace SbirLab.Engine.Imaging;

/// <summary>A crop rectangle inside an image, in whole pixels.</summary>
public readonly record struct CropBox(int Top, int Left, int Height, int Width);

/// <summary>
/// Parameters of the training augmentation: torchvision-style RandomResizedCrop (area fraction in
/// [<see cref="MinScale"/>, <see cref="MaxScale"/>], aspect ratio log-uniform in [<see cref="MinRatio"/>,
/// <see cref="MaxRatio"/>], bilinear resize back) followed by a horizontal flip with <see cref="FlipProbability"/>.
/// </summary>
public sealed record AugmentationOptions
{
    /// <summary>Smallest fraction of the image area kept by the crop.</summary>
    public double MinScale { get; init; } = 0.6;

    /// <summary>Largest fraction of the image area kept by the crop.</summary>
    public double MaxScale { get; init; } = 1.0;

    /// <summary>Smallest crop aspect ratio (width / height).</summary>
    public double MinRatio { get; init; } = 3.0 / 4.0;

    /// <summary>Largest crop aspect ratio (width / height).</summary>
    public double MaxRatio { get; init; } = 4.0 / 3.0;

    /// <summary>Probability of mirroring left–right; 0 disables flipping.</summary>
    public double FlipProbability { get; init; } = 0.5;

    /// <summary>When false, the crop step is skipped (only the flip applies).</summary>
    public bool RandomCrop { get; init; } = true;
}

/// <summary>
/// Fast per-epoch augmentation on already preprocessed uint8 CHW images (no decoding, no Skia): a random resized
/// crop and a horizontal flip. All randomness comes from the <see cref="Random"/> passed in, so the same seed gives
/// the same images. Thread-safe: use one <see cref="Random"/> per thread (or per batch).
/// </summary>
public sealed class TrainAugmenter
{
    private const int CropAttempts = 10;

    /// <summary>Creates an augmenter; null options mean the defaults (scale 0.6–1, ratio 3/4–4/3, flip 0.5).</summary>
    public TrainAugmenter(AugmentationOptions? options = null)
    {
        Options = options ?? new AugmentationOptions();
    }

    /// <summary>The augmentation parameters.</summary>
    public AugmentationOptions Options { get; }

    /// <summary>
    /// Augments one square <paramref name="size"/>×<paramref name="size"/> CHW image into <paramref name="destination"/>
    /// of the same shape. Draws the crop first, then the flip, from <paramref name="random"/>.
    /// </summary>
    public void Apply(ReadOnlySpan<byte> source, Span<byte> destination, int channels, int size, Random random)
    {
        var box = Options.RandomCrop ? SampleCrop(size, size, random) : new CropBox(0, 0, size, size);
        var flip = Options.FlipProbability > 0 && random.NextDouble() < Options.FlipProbability;
        ResizeBilinear(source, channels, size, size, box, destination, size, size, flip);
    }

    /// <summary>Applies <see cref="Apply"/> to each of <paramref name="count"/> contiguous images, in order.</summary>
    public void ApplyBatch(ReadOnlySpan<byte> source, Span<byte> destination, int count, int channels, int size, Random random)
    {
        var length = channels * size * size;
        for (var i = 0; i < count; i++)
        {
            Apply(source.Slice(i * length, length), destination.Slice(i * length, length), channels, size, random);
        }
    }

    /// <summary>
    /// Draws a crop as torchvision's RandomResizedCrop.get_params does: up to ten tries of (area, log-ratio);
    /// if none fits, the largest centred crop whose ratio is clamped into range.
    /// </summary>
    public CropBox SampleCrop(int width, int height, Random random)
    {
        double area = width * height;
        var logMin = Math.Log(Options.MinRatio);
        var logMax = Math.Log(Options.MaxRatio);
        for (var attempt = 0; attempt < CropAttempts; attempt++)
        {
            var targetArea = area * Uniform(random, Options.MinScale, Options.MaxScale);
            var ratio = Math.Exp(Uniform(random, logMin, logMax));
            var w = (int)Math.Round(Math.Sqrt(targetArea * ratio));
            var h = (int)Math.Round(Math.Sqrt(targetArea / ratio));
            if (w > 0 && w <= width && h > 0 && h <= height)
            {
                var top = random.Next(0, height - h + 1);
                var left = random.Next(0, width - w + 1);
                return new CropBox(top, left, h, w);
            }
        }

        return CentreFallback(width, height);
    }

    /// <summary>
    /// Resizes the <paramref name="box"/> region of a CHW image to <paramref name="dstHeight"/>×<paramref name="dstWidth"/>
    /// with bilinear interpolation (half-pixel centres, as PyTorch's align_corners=False), optionally mirrored.
    /// Weights are 11-bit fixed point, so results match a float computation up to rounding of exact halves.
    /// </summary>
    public static void ResizeBilinear(ReadOnlySpan<byte> source, int channels, int srcHeight, int srcWidth, CropBox box,
        Span<byte> destination, int dstHeight, int dstWidth, bool flip)
    {
        var xTaps = Taps(box.Left, box.Width, dstWidth);
        var yTaps = Taps(box.Top, box.Height, dstHeight);
        if (flip)
        {
            Array.Reverse(xTaps.Low);
            Array.Reverse(xTaps.High);
            Array.Reverse(xTaps.Weight);
        }

        for (var c = 0; c < channels; c++)
        {
            var plane = source.Slice(c * srcHeight * srcWidth, srcHeight * srcWidth);
            var output = destination.Slice(c * dstHeight * dstWidth, dstHeight * dstWidth);
            for (var y = 0; y < dstHeight; y++)
            {
                InterpolateRow(plane.Slice(yTaps.Low[y] * srcWidth, srcWidth), plane.Slice(yTaps.High[y] * srcWidth, srcWidth),
                    yTaps.Weight[y], xTaps, output.Slice(y * dstWidth, dstWidth));
            }
        }
    }

    private const int WeightBits = 11;
    private const int WeightOne = 1 << WeightBits;

    private static void InterpolateRow(ReadOnlySpan<byte> row0, ReadOnlySpan<byte> row1, int wy, TapTable x, Span<byte> output)
    {
        var low = x.Low;
        var high = x.High;
        var weight = x.Weight;
        const int round = 1 << ((2 * WeightBits) - 1);
        for (var i = 0; i < output.Length; i++)
        {
            var wx = weight[i];
            var top = (row0[low[i]] * (WeightOne - wx)) + (row0[high[i]] * wx);
            var bottom = (row1[low[i]] * (WeightOne - wx)) + (row1[high[i]] * wx);
            output[i] = (byte)(((top * (WeightOne - wy)) + (bottom * wy) + round) >> (2 * WeightBits));
        }
    }

    /// <summary>For each output coordinate: the two source indices and the fixed-point weight of the second.</summary>
    private sealed record TapTable(int[] Low, int[] High, int[] Weight);

    private static TapTable Taps(int start, int length, int outLength)
    {
        var taps = new TapTable(new int[outLength], new int[outLength], new int[outLength]);
        var step = (double)length / outLength;
        for (var i = 0; i < outLength; i++)
        {
            var s = Math.Clamp(((i + 0.5) * step) - 0.5, 0, length - 1);
            var low = (int)Math.Floor(s);
            taps.Low[i] = start + low;
            taps.High[i] = start + Math.Min(low + 1, length - 1);
            taps.Weight[i] = (int)Math.Round((s - low) * WeightOne);
        }

        return taps;
    }

    private CropBox CentreFallback(int width, int height)
    {
        var inRatio = (double)width / height;
        int w, h;
        if (inRatio < Options.MinRatio)
        {
            w = width;
            h = (int)Math.Round(w / Options.MinRatio);
        }
        else if (inRatio > Options.MaxRatio)
        {
            h = height;
            w = (int)Math.Round(h * Options.MaxRatio);
        }
        else
        {
            w = width;
            h = height;
        }

        return new CropBox((height - h) / 2, (width - w) / 2, h, w);
    }

    private static double Uniform(Random random, double low, double high) => low + (random.NextDouble() * (high - low));
}
