using SkiaSharp;

namespace SbirLab.Engine.Reports;

/// <summary>
/// Reduction of a dense polyline to a few points per pixel column before drawing, so a 100,000-step loss curve
/// becomes a few thousand vertices that Skia strokes in milliseconds instead of seconds. The envelope mode (M4)
/// keeps the first, lowest, highest and last point of each column in order, so the drawn raw curve looks the same;
/// the mean mode keeps one averaged point per column, for a smoothed curve whose leftover jitter within one
/// column would otherwise draw as a solid band.
/// </summary>
internal static class CurveDecimation
{
    /// <summary>The points to draw; returns the input unchanged when it has no more than four points per column.</summary>
    public static IReadOnlyList<SKPoint> Reduce(IReadOnlyList<SKPoint> points, float plotWidth, bool envelope = true)
    {
        if (points.Count <= 4 * Math.Max(1, plotWidth))
            return points;
        var kept = new List<SKPoint>();
        int start = 0;
        while (start < points.Count)
        {
            int end = start;
            int column = (int)MathF.Floor(points[start].X);
            while (end + 1 < points.Count && (int)MathF.Floor(points[end + 1].X) == column)
                end++;
            if (envelope)
                KeepColumn(points, start, end, kept);
            else
                kept.Add(Mean(points, start, end));
            start = end + 1;
        }
        return kept;
    }

    private static SKPoint Mean(IReadOnlyList<SKPoint> points, int start, int end)
    {
        double x = 0, y = 0;
        for (int i = start; i <= end; i++)
        {
            x += points[i].X;
            y += points[i].Y;
        }
        int count = end - start + 1;
        return new SKPoint((float)(x / count), (float)(y / count));
    }

    private static void KeepColumn(IReadOnlyList<SKPoint> points, int start, int end, List<SKPoint> kept)
    {
        int low = start, high = start;
        for (int i = start + 1; i <= end; i++)
        {
            if (points[i].Y < points[low].Y)
                low = i;
            if (points[i].Y > points[high].Y)
                high = i;
        }
        foreach (int index in new[] { start, low, high, end }.Distinct().Order())
            kept.Add(points[index]);
    }
}
