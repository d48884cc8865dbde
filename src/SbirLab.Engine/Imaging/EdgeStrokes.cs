namespace SbirLab.Engine.Imaging;

/// <summary>Parameters of <see cref="EdgeStrokes.FromImage"/>.</summary>
public sealed record EdgeOptions
{
    /// <summary>A pixel is an edge when its Sobel magnitude is at least this fraction of the image's largest magnitude.</summary>
    public double Threshold { get; init; } = 0.25;

    /// <summary>Thin the edge map to one-pixel-wide lines (Zhang–Suen) before tracing.</summary>
    public bool Thin { get; init; } = true;
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

        var edges = EdgeMap(grey, width, height, options.Threshold);
        if (options.Thin)
        {
            ZhangSuenThinning.Thin(edges, width, height);
        }

        return ToStrokes(Trace(edges, width, height), width, height);
    }

    /// <summary>Sobel magnitude (borders replicated) thresholded at a fraction of its maximum; all false for a flat image.</summary>
    public static bool[] EdgeMap(byte[] grey, int width, int height, double threshold)
    {
        var magnitude = SobelMagnitude(grey, width, height);
        var max = magnitude.Max();
        var edges = new bool[magnitude.Length];
        if (max <= 0)
        {
            return edges;
        }

        var cut = threshold * max;
        for (var i = 0; i < magnitude.Length; i++)
        {
            edges[i] = magnitude[i] >= cut;
        }

        return edges;
    }

    /// <summary>sqrt(gx² + gy²) with the 3×3 Sobel kernels; pixels outside the image repeat the nearest border pixel.</summary>
    public static double[] SobelMagnitude(byte[] grey, int width, int height)
    {
        var result = new double[width * height];
        for (var y = 0; y < height; y++)
        {
            for (var x = 0; x < width; x++)
            {
                int P(int dx, int dy) => grey[(Math.Clamp(y + dy, 0, height - 1) * width) + Math.Clamp(x + dx, 0, width - 1)];
                var gx = P(1, -1) + (2 * P(1, 0)) + P(1, 1) - P(-1, -1) - (2 * P(-1, 0)) - P(-1, 1);
                var gy = P(-1, 1) + (2 * P(0, 1)) + P(1, 1) - P(-1, -1) - (2 * P(0, -1)) - P(1, -1);
                result[(y * width) + x] = Math.Sqrt((double)(gx * gx) + (gy * gy));
            }
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
