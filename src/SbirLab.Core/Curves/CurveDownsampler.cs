namespace SbirLab.Core.Curves;

/// <summary>
/// The part of a curve a chart shows: the x-range (null ends: from the curve's first point, to its last) and the
/// chart's plot width in pixels, the number of buckets the range is cut into.
/// </summary>
public sealed record CurveWindow(double? From, double? To, int Width)
{
    /// <summary>Plot width assumed before a chart has reported its own (the lab's charts are 400 to 700 pixels wide on a desktop screen).</summary>
    public const int DefaultWidth = 600;

    /// <summary>Widths a request may name; more buckets than pixels of a 4K screen buy nothing.</summary>
    public const int MaxWidth = 4096;

    /// <summary>The whole curve at the default width.</summary>
    public static CurveWindow Whole { get; } = new(null, null, DefaultWidth);

    public bool IsWhole => From is null && To is null;

    /// <summary>A window from a browser's report, checked: finite ends in order, a width in [1, <see cref="MaxWidth"/>].</summary>
    /// <exception cref="ArgumentOutOfRangeException">A field is out of range; the message names it and the allowed range.</exception>
    public static CurveWindow Checked(double? from, double? to, int width)
    {
        if (width is < 1 or > MaxWidth)
            throw new ArgumentOutOfRangeException(nameof(width), width, $"width must be between 1 and {MaxWidth} pixels");
        if (from is { } f && !double.IsFinite(f)) throw new ArgumentOutOfRangeException(nameof(from), from, "from must be a finite number");
        if (to is { } t && !double.IsFinite(t)) throw new ArgumentOutOfRangeException(nameof(to), to, "to must be a finite number");
        if (from is { } a && to is { } b && a > b) throw new ArgumentOutOfRangeException(nameof(from), from, $"from must not be above to ({b})");
        return new CurveWindow(from, to, width);
    }
}

/// <summary>
/// The one down-sampler of the lab's curves (run page, compare page, live feed): min / max per pixel bucket.
/// The window's x-range is cut into buckets about one pixel wide; each bucket keeps its lowest and its highest
/// point (in x order), and the range keeps its first and last point, plus the nearest point outside it on
/// either side so that the line runs on to the chart's edges. A range with at most two points per bucket is
/// returned whole: zoomed in far enough, a chart shows every logged step.
/// </summary>
/// <remarks>
/// Why min / max and not LTTB: a chart draws one column of pixels per bucket, and keeping the extremes of each
/// bucket draws exactly the column the raw points would (a loss spike or a dip of a single step stays visible at
/// any zoom), while LTTB keeps one point per bucket chosen by triangle area, which can drop one of a
/// spike and a dip sharing a bucket, and depends on the point it kept in the previous bucket. Buckets are
/// aligned to multiples of their width (a power of two), not to the range's start: as a live curve grows, or a
/// view pans, the buckets already drawn keep their points, so a live chart only resends its last bucket.
/// </remarks>
public static class CurveDownsampler
{
    /// <summary>The points of (<paramref name="x"/>, <paramref name="y"/>) to draw in <paramref name="window"/>; x ascending.</summary>
    /// <exception cref="ArgumentException">x and y differ in length.</exception>
    public static (double[] X, double[] Y) Downsample(ReadOnlySpan<double> x, ReadOnlySpan<double> y, CurveWindow window)
    {
        if (x.Length != y.Length) throw new ArgumentException($"x has {x.Length} points and y {y.Length}", nameof(y));
        if (x.Length == 0) return ([], []);
        double from = window.From ?? x[0], to = window.To ?? x[^1];
        int first = LowerBound(x, from);        // first point at or after from
        int last = UpperBound(x, to) - 1;       // last point at or before to
        int start = Math.Max(first - 1, 0), end = Math.Min(last + 1, x.Length - 1); // with the neighbours outside
        if (last - first + 1 <= 2 * window.Width || to <= from) return Slice(x, y, start, end);

        var keep = new List<int>(4 * window.Width + 4);
        if (start < first) keep.Add(start);
        double width = BucketWidth(from, to, window.Width);
        int i = first;
        while (i <= last)
        {
            double bucket = Math.Floor(x[i] / width);
            int low = -1, high = -1, j = i;
            for (; j <= last && Math.Floor(x[j] / width) == bucket; j++)
            {
                if (double.IsNaN(y[j])) continue;
                if (low < 0 || y[j] < y[low]) low = j;
                if (high < 0 || y[j] > y[high]) high = j;
            }
            if (low < 0) keep.Add(i); // only NaN here: keep one, so the gap shows as a gap
            else if (low == high) keep.Add(low);
            else
            {
                keep.Add(Math.Min(low, high));
                keep.Add(Math.Max(low, high));
            }
            i = j;
        }
        int firstKept = start < first ? 1 : 0;
        if (keep[firstKept] != first) keep.Insert(firstKept, first);
        if (keep[^1] != last) keep.Add(last);
        if (end > last) keep.Add(end);
        var (keptX, keptY) = (new double[keep.Count], new double[keep.Count]);
        for (int k = 0; k < keep.Count; k++) (keptX[k], keptY[k]) = (x[keep[k]], y[keep[k]]);
        return (keptX, keptY);
    }

    /// <summary>
    /// The buckets' width for <paramref name="width"/> pixels over [from, to]: the smallest power of two at least
    /// (to − from) / width, so there are between width / 2 and width + 1 buckets.
    /// </summary>
    public static double BucketWidth(double from, double to, int width) =>
        Math.Pow(2, Math.Ceiling(Math.Log2((to - from) / width)));

    private static (double[] X, double[] Y) Slice(ReadOnlySpan<double> x, ReadOnlySpan<double> y, int start, int end) =>
        end < start ? ([], []) : (x[start..(end + 1)].ToArray(), y[start..(end + 1)].ToArray());

    /// <summary>The first index whose x is at least <paramref name="value"/> (the length when none).</summary>
    private static int LowerBound(ReadOnlySpan<double> x, double value)
    {
        int low = 0, high = x.Length;
        while (low < high)
        {
            int middle = (low + high) >>> 1;
            if (x[middle] < value) low = middle + 1;
            else high = middle;
        }
        return low;
    }

    /// <summary>The first index whose x is above <paramref name="value"/> (the length when none).</summary>
    private static int UpperBound(ReadOnlySpan<double> x, double value)
    {
        int low = 0, high = x.Length;
        while (low < high)
        {
            int middle = (low + high) >>> 1;
            if (x[middle] <= value) low = middle + 1;
            else high = middle;
        }
        return low;
    }
}
