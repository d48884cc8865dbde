using SbirLab.Engine.Datasets;
using SbirLab.Engine.Imaging;

namespace SbirLab.Engine.Search;

/// <summary>
/// Where a drawing sits in the model's input. A person draws anywhere on a canvas of any size; the renderer fits the
/// drawing's bounding box into the input square, and the free border it leaves should be the one of the sketches the
/// model learnt from, which is measured here from the ink of those sketches.
/// </summary>
public static class SketchFrame
{
    /// <summary>Grey level below which a pixel counts as ink.</summary>
    public const byte InkBelow = 128;

    /// <summary>
    /// The median free border, as a fraction of the side, between the stroke centres of the sketches and the edge of
    /// the image: (side − (ink extent − line width)) / (2 · side), with the ink extent the longer side of the ink's
    /// bounding box (the line's own width is not part of the strokes the renderer places). Up to
    /// <paramref name="samples"/> images, evenly spread; <see cref="SketchSearcher.DefaultMargin"/> when none has ink.
    /// </summary>
    public static float MeasureMargin(IImageSet sketches, float lineWidth, int samples = 200)
    {
        var margins = new List<float>();
        int count = Math.Min(samples, sketches.Count);
        for (int n = 0; n < count; n++)
        {
            int index = (int)((long)n * sketches.Count / count);
            int extent = InkExtent(sketches.Pixels(index), sketches.Size, sketches.Channels);
            if (extent > 0) margins.Add((sketches.Size - (extent - lineWidth)) / (2f * sketches.Size));
        }
        if (margins.Count == 0) return SketchSearcher.DefaultMargin;
        margins.Sort();
        return Math.Clamp(margins[margins.Count / 2], 0f, 0.45f);
    }

    /// <summary>The longer side of the bounding box of the ink of an HWC image (first channel); 0 without ink.</summary>
    public static int InkExtent(byte[] pixels, int size, int channels)
    {
        int minX = size, minY = size, maxX = -1, maxY = -1;
        for (int y = 0; y < size; y++)
            for (int x = 0; x < size; x++)
            {
                if (pixels[((y * size) + x) * channels] >= InkBelow) continue;
                (minX, maxX) = (Math.Min(minX, x), Math.Max(maxX, x));
                (minY, maxY) = (Math.Min(minY, y), Math.Max(maxY, y));
            }
        return maxX < 0 ? 0 : Math.Max(maxX - minX, maxY - minY) + 1;
    }

    /// <summary>
    /// Input pixels per stroke unit when <see cref="SketchRenderer"/> fits the strokes' bounding box into a
    /// <paramref name="size"/> square with <paramref name="margin"/> (its <see cref="SketchRenderOptions.Normalise"/>
    /// mapping); 0 for a drawing without extent (a single dot).
    /// </summary>
    public static float Scale(IReadOnlyList<Stroke> strokes, int size, float margin)
    {
        float minX = float.MaxValue, minY = float.MaxValue, maxX = float.MinValue, maxY = float.MinValue;
        foreach (var point in strokes.SelectMany(s => s.Points))
        {
            (minX, maxX) = (Math.Min(minX, point.X), Math.Max(maxX, point.X));
            (minY, maxY) = (Math.Min(minY, point.Y), Math.Max(maxY, point.Y));
        }
        float extent = Math.Max(maxX - minX, maxY - minY);
        return extent > 0 ? size * (1f - (2f * margin)) / extent : 0f;
    }
}
