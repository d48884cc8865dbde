namespace SbirLab.Engine.Imaging;

/// <summary>Parameters of <see cref="EdgeStrokes.FromImage"/>.</summary>
public sealed record EdgeOptions
{
    /// <summary>A pixel is a strong edge when its Sobel magnitude is at least this fraction of the image's largest magnitude.</summary>
    public double Threshold { get; init; } = 0.35;

    /// <summary>
    /// Hysteresis (as in Canny): a weaker pixel, at least this fraction of the maximum, is an edge when it is
    /// 8-connected to a strong one, which keeps faint outlines that continue strong ones. Null disables it.
    /// </summary>
    public double? LowThreshold { get; init; } = 0.15;

    /// <summary>How edges are made one pixel wide before tracing.</summary>
    public EdgeThinning Thinning { get; init; } = EdgeThinning.NonMaximumSuppression;
}

/// <summary>How a thresholded edge map is reduced to one-pixel-wide lines.</summary>
public enum EdgeThinning
{
    /// <summary>Keep the thresholded map as it is (edges two or more pixels wide).</summary>
    None,

    /// <summary>Canny's step: keep a pixel only where the magnitude peaks across the edge (along the gradient).</summary>
    NonMaximumSuppression,

    /// <summary>Morphological skeleton of the thresholded map (Zhang–Suen).</summary>
    ZhangSuen,
}

/// <summary>
/// Turns a grey image into pen strokes: Sobel gradient magnitude, threshold relative to the maximum, optional
/// thinning, then tracing of edge pixels into polylines by walking 8-neighbours. The strokes live in [0, 1]
/// coordinates (pixel centres), so the same <see cref="SketchRenderer"/> that draws browser sketches draws them.
/// Deterministic: raster-order starts and a fixed neighbour order.
/// </summary>
public static class EdgeStrokes
{
    // Four-neighbours first so that walks follow lines rather than cutting corners.
    private static readonly (int Dx, int Dy)[] NeighbourOrder =
        [(0, -1), (1, 0), (0, 1), (-1, 0), (1, -1), (1, 1), (-1, 1), (-1, -1)];

    /// <summary>Traces the edges of a row-major grey image of <paramref name="width"/>×<paramref name="height"/> bytes.</summary>
    public static IReadOnlyList<Stroke> FromImage(byte[] grey, int width, int height, EdgeOptions? options = null)
    {
        options ??= new EdgeOptions();
        if (grey.Length != width * height)
        {
            throw new ArgumentException($"Expected {width}×{height} bytes, got {grey.Length}.", nameof(grey));
        }

        var edges = EdgeMap(grey, width, height, options);

        return ToStrokes(Trace(edges, width, height), width, height);
    }

    /// <summary>
    /// Traces a mask of one-pixel-wide lines (an edge map, or a drawing thinned by <see cref="ZhangSuenThinning"/>)
    /// into strokes in [0, 1] coordinates, as <see cref="FromImage"/> does after its edge detection.
    /// </summary>
    public static IReadOnlyList<Stroke> FromLines(bool[] lines, int width, int height)
    {
        if (lines.Length != width * height)
        {
            throw new ArgumentException($"Expected {width}×{height} pixels, got {lines.Length}.", nameof(lines));
        }

        return ToStrokes(Trace(lines, width, height), width, height);
    }

    /// <summary>
    /// Sobel magnitude (borders replicated) thresholded at a fraction of its maximum, with optional hysteresis
    /// down to <paramref name="lowThreshold"/>; all false for a flat image.
    /// </summary>
    public static bool[] EdgeMap(byte[] grey, int width, int height, EdgeOptions options)
    {
        var (gx, gy) = SobelGradients(grey, width, height);
        var magnitude = Magnitude(gx, gy);
        var max = magnitude.Max();
        var edges = new bool[magnitude.Length];
        if (max <= 0)
        {
            return edges;
        }

        if (options.Thinning == EdgeThinning.NonMaximumSuppression)
        {
            magnitude = SuppressNonMaxima(magnitude, gx, gy, width, height);
        }

        var strong = options.Threshold * max;
        var weak = Math.Min(options.LowThreshold ?? options.Threshold, options.Threshold) * max;
        var pending = new Stack<int>();
        for (var i = 0; i < magnitude.Length; i++)
        {
            if (magnitude[i] >= strong)
            {
                edges[i] = true;
                pending.Push(i);
            }
        }

        GrowIntoWeakPixels(magnitude, edges, pending, weak, width, height);
        if (options.Thinning == EdgeThinning.ZhangSuen)
        {
            ZhangSuenThinning.Thin(edges, width, height);
        }

        return edges;
    }

    /// <summary>
    /// Zeroes every magnitude that is not a peak across its edge: the gradient direction is quantised to 0°, 45°,
    /// 90° or 135° and the pixel must be ≥ the neighbour on one side and &gt; the one on the other (so a
    /// two-pixel plateau, as a sharp step gives, keeps exactly one pixel).
    /// </summary>
    public static double[] SuppressNonMaxima(double[] magnitude, int[] gx, int[] gy, int width, int height)
    {
        var result = new double[magnitude.Length];
        for (var y = 0; y < height; y++)
        {
            for (var x = 0; x < width; x++)
            {
                var p = (y * width) + x;
                var (dx, dy) = QuantisedDirection(gx[p], gy[p]);
                double At(int sx, int sy)
                {
                    var nx = x + sx;
                    var ny = y + sy;
                    return nx >= 0 && nx < width && ny >= 0 && ny < height ? magnitude[(ny * width) + nx] : 0;
                }

                if (magnitude[p] >= At(-dx, -dy) && magnitude[p] > At(dx, dy))
                {
                    result[p] = magnitude[p];
                }
            }
        }

        return result;
    }

    /// <summary>The neighbour step (dx, dy) closest to the gradient direction (image y grows downwards).</summary>
    private static (int Dx, int Dy) QuantisedDirection(int gx, int gy)
    {
        var angle = Math.Atan2(gy, gx) * 180 / Math.PI;
        angle = angle < 0 ? angle + 180 : angle;
        return angle switch
        {
            < 22.5 or >= 157.5 => (1, 0),
            < 67.5 => (1, 1),
            < 112.5 => (0, 1),
            _ => (-1, 1),
        };
    }

    /// <summary>Flood fill from the strong pixels through 8-neighbours whose magnitude reaches <paramref name="weak"/>.</summary>
    private static void GrowIntoWeakPixels(double[] magnitude, bool[] edges, Stack<int> pending, double weak, int width, int height)
    {
        while (pending.TryPop(out var p))
        {
            var x = p % width;
            var y = p / width;
            foreach (var (dx, dy) in NeighbourOrder)
            {
                var nx = x + dx;
                var ny = y + dy;
                if (nx < 0 || nx >= width || ny < 0 || ny >= height)
                {
                    continue;
                }

                var n = (ny * width) + nx;
                if (!edges[n] && magnitude[n] >= weak)
                {
                    edges[n] = true;
                    pending.Push(n);
                }
            }
        }
    }

    /// <summary>sqrt(gx² + gy²) with the 3×3 Sobel kernels; pixels outside the image repeat the nearest border pixel.</summary>
    public static double[] SobelMagnitude(byte[] grey, int width, int height)
    {
        var (gx, gy) = SobelGradients(grey, width, height);
        return Magnitude(gx, gy);
    }

    /// <summary>The horizontal and vertical 3×3 Sobel responses (x grows right, y grows down), borders replicated.</summary>
    public static (int[] Gx, int[] Gy) SobelGradients(byte[] grey, int width, int height)
    {
        var gx = new int[width * height];
        var gy = new int[width * height];
        for (var y = 0; y < height; y++)
        {
            for (var x = 0; x < width; x++)
            {
                int P(int dx, int dy) => grey[(Math.Clamp(y + dy, 0, height - 1) * width) + Math.Clamp(x + dx, 0, width - 1)];
                gx[(y * width) + x] = P(1, -1) + (2 * P(1, 0)) + P(1, 1) - P(-1, -1) - (2 * P(-1, 0)) - P(-1, 1);
                gy[(y * width) + x] = P(-1, 1) + (2 * P(0, 1)) + P(1, 1) - P(-1, -1) - (2 * P(0, -1)) - P(1, -1);
            }
        }

        return (gx, gy);
    }

    private static double[] Magnitude(int[] gx, int[] gy)
    {
        var result = new double[gx.Length];
        for (var i = 0; i < gx.Length; i++)
        {
            result[i] = Math.Sqrt(((double)gx[i] * gx[i]) + ((double)gy[i] * gy[i]));
        }

        return result;
    }

    /// <summary>Links edge pixels into pixel paths: first from line ends, then around what is left (closed loops).</summary>
    internal static List<List<int>> Trace(bool[] edges, int width, int height)
    {
        var tracer = new Tracer(edges, width, height);
        for (var p = 0; p < edges.Length; p++)
        {
            if (edges[p] && tracer.IsUnvisited(p) && tracer.CountEdgeNeighbours(p) == 1)
            {
                tracer.Walk(p);
            }
        }

        for (var p = 0; p < edges.Length; p++)
        {
            if (edges[p] && tracer.IsUnvisited(p))
            {
                tracer.Walk(p);
            }
        }

        return tracer.Paths;
    }

    private static List<Stroke> ToStrokes(List<List<int>> paths, int width, int height)
    {
        var strokes = new List<Stroke>(paths.Count);
        var time = 0;
        foreach (var path in paths)
        {
            var points = new StrokePoint[path.Count];
            for (var i = 0; i < path.Count; i++)
            {
                var x = path[i] % width;
                var y = path[i] / width;
                points[i] = new StrokePoint((x + 0.5f) / width, (y + 0.5f) / height, time++);
            }

            strokes.Add(new Stroke(points));
        }

        return strokes;
    }

    /// <summary>Walk state: which stroke owns each pixel and at which position.</summary>
    private sealed class Tracer(bool[] edges, int width, int height)
    {
        private readonly int[] _owner = Enumerable.Repeat(-1, edges.Length).ToArray();
        private readonly int[] _position = new int[edges.Length];

        public List<List<int>> Paths { get; } = [];

        public bool IsUnvisited(int p) => _owner[p] < 0;

        public int CountEdgeNeighbours(int p) => Neighbours(p).Count(n => edges[n]);

        /// <summary>Follows unvisited neighbours from <paramref name="start"/>, then joins both ends to touching strokes.</summary>
        public void Walk(int start)
        {
            var id = Paths.Count;
            var path = new List<int>();
            var joinAtStart = Neighbours(start).Where(n => edges[n] && _owner[n] >= 0).Cast<int?>().FirstOrDefault();
            Visit(path, start, id);
            var current = start;
            while (NextUnvisited(current) is { } next)
            {
                Visit(path, next, id);
                current = next;
            }

            if (JoinAtEnd(path, id) is { } endJoin)
            {
                path.Add(endJoin);
            }

            if (joinAtStart is { } startJoin)
            {
                path.Insert(0, startJoin);
            }

            Paths.Add(path);
        }

        private void Visit(List<int> path, int p, int id)
        {
            _owner[p] = id;
            _position[p] = path.Count;
            path.Add(p);
        }

        private int? NextUnvisited(int p) =>
            Neighbours(p).Where(n => edges[n] && _owner[n] < 0).Cast<int?>().FirstOrDefault();

        /// <summary>A touching pixel of another stroke, else an early pixel of this one (closing a loop).</summary>
        private int? JoinAtEnd(List<int> path, int id)
        {
            var end = path[^1];
            var touching = Neighbours(end).Where(n => edges[n] && _owner[n] >= 0).ToList();
            var other = touching.Where(n => _owner[n] != id).Cast<int?>().FirstOrDefault();
            return other ?? touching.Where(n => _position[n] < path.Count - 3).Cast<int?>().FirstOrDefault();
        }

        private IEnumerable<int> Neighbours(int p)
        {
            var x = p % width;
            var y = p / width;
            foreach (var (dx, dy) in NeighbourOrder)
            {
                var nx = x + dx;
                var ny = y + dy;
                if (nx >= 0 && nx < width && ny >= 0 && ny < height)
                {
                    yield return (ny * width) + nx;
                }
            }
        }
    }
}
