namespace SbirLab.Engine.Imaging;

/// <summary>Parameters of <see cref="DrawnSketch"/>; lengths are in source pixels, the affine in unit coordinates.</summary>
public sealed record DrawnSketchOptions
{
    /// <summary>A pixel belongs to the object's silhouette when it is at least this fraction of the image's brightest.</summary>
    public double SilhouetteThreshold { get; init; } = 0.1;

    /// <summary>An edge stroke within this distance of the silhouette's outline counts as part of the outline (already drawn).</summary>
    public double OutlineDistance { get; init; } = 1.5;

    /// <summary>Interior strokes with fewer points than this are short.</summary>
    public int ShortStroke { get; init; } = 6;

    /// <summary>Chance that a short interior stroke is left out.</summary>
    public double DropShort { get; init; } = 0.7;

    /// <summary>Chance that a longer interior stroke is left out.</summary>
    public double DropLong { get; init; } = 0.25;

    /// <summary>Standard deviation of a stroke's own shift.</summary>
    public double StrokeShift { get; init; } = 0.5;

    /// <summary>Standard deviation of the slow wobble along a stroke (drawn at every <see cref="WobbleSpacing"/>-th point and interpolated).</summary>
    public double Wobble { get; init; } = 0.45;

    /// <summary>Points between the wobble's control points.</summary>
    public int WobbleSpacing { get; init; } = 4;

    /// <summary>Range of a stroke's width as a multiple of the renderer's width.</summary>
    public (float Min, float Max) Width { get; init; } = (0.6f, 1.6f);

    /// <summary>Largest rotation of the whole sketch, in degrees.</summary>
    public double Rotation { get; init; } = 10;

    /// <summary>Range of the whole sketch's scale.</summary>
    public (double Min, double Max) Scale { get; init; } = (0.88, 1.05);

    /// <summary>Largest shear of the whole sketch.</summary>
    public double Shear { get; init; } = 0.1;

    /// <summary>Largest shift of the whole sketch, as a fraction of its side.</summary>
    public double Shift { get; init; } = 0.05;
}

/// <summary>
/// A pseudo-sketch that looks drawn rather than traced: the outline of the object's silhouette is always drawn,
/// interior edges (texture, folds, prints) are kept only in part (short ones mostly dropped), every stroke is
/// shifted and wobbles a little and gets its own width, and the whole sketch gets a small random rotation, scale,
/// shear and shift. Unlike the edge map it is no longer pixel-aligned with its photo. Every choice comes from the
/// given <see cref="Random"/>, so a seed derived from the image and the run's seed gives the same sketch each time.
/// The strokes are drawn by <see cref="SketchRenderer"/>, like browser sketches.
/// </summary>
public static class DrawnSketch
{
    /// <summary>Renders the drawn pseudo-sketch of a row-major grey image as a <paramref name="size"/>×<paramref name="size"/> grey image.</summary>
    public static byte[] FromImage(byte[] grey, int width, int height, int size, Random random, DrawnSketchOptions? options = null)
    {
        var strokes = Strokes(grey, width, height, random, options);
        return SketchRenderer.Render(strokes, size, PseudoSketch.DefaultStrokeWidth(width, height, size));
    }

    /// <summary>The drawn strokes in [0, 1] coordinates, each with its width factor.</summary>
    public static IReadOnlyList<Stroke> Strokes(byte[] grey, int width, int height, Random random, DrawnSketchOptions? options = null)
    {
        options ??= new DrawnSketchOptions();
        var outline = Outline(grey, width, height, options.SilhouetteThreshold);
        var outlineStrokes = EdgeStrokes.FromLines(outline, width, height);
        var near = NearMask(outline, width, height, options.OutlineDistance);
        var interior = EdgeStrokes.FromImage(grey, width, height)
            .Where(s => !MostlyOn(s, near, width, height))
            .Where(s => random.NextDouble() >= (s.Points.Count < options.ShortStroke ? options.DropShort : options.DropLong));
        var affine = Affine.Random(random, options);
        return outlineStrokes.Concat(interior)
            .Select(s => Drawn(s, random, options, affine, width, height))
            .ToList();
    }

    /// <summary>
    /// The outline of the silhouette with its holes filled: silhouette pixels with a 4-neighbour outside it (or on the border).
    /// Filling first keeps holes (a bag's handle) out of the outline; their edges can still come back as interior strokes.
    /// </summary>
    public static bool[] Outline(byte[] grey, int width, int height, double threshold)
    {
        byte max = grey.Length == 0 ? (byte)0 : grey.Max();
        var inside = grey.Select(v => max > 0 && v >= threshold * max).ToArray();
        var outside = OutsideOf(inside, width, height);
        var outline = new bool[inside.Length];
        for (int y = 0; y < height; y++)
        {
            for (int x = 0; x < width; x++)
            {
                int p = (y * width) + x;
                if (outside[p]) continue;
                bool edge = x == 0 || y == 0 || x == width - 1 || y == height - 1
                    || outside[p - 1] || outside[p + 1] || outside[p - width] || outside[p + width];
                outline[p] = edge;
            }
        }
        return outline;
    }

    /// <summary>Background pixels reachable from the border through 4-neighbours (everything else is the filled silhouette).</summary>
    private static bool[] OutsideOf(bool[] inside, int width, int height)
    {
        var outside = new bool[inside.Length];
        var pending = new Stack<int>();
        void Seed(int p)
        {
            if (inside[p] || outside[p]) return;
            outside[p] = true;
            pending.Push(p);
        }
        for (int x = 0; x < width; x++) { Seed(x); Seed(((height - 1) * width) + x); }
        for (int y = 0; y < height; y++) { Seed(y * width); Seed((y * width) + width - 1); }
        while (pending.TryPop(out int p))
        {
            int x = p % width, y = p / width;
            if (x > 0) Seed(p - 1);
            if (x < width - 1) Seed(p + 1);
            if (y > 0) Seed(p - width);
            if (y < height - 1) Seed(p + width);
        }
        return outside;
    }

    /// <summary>Pixels within <paramref name="distance"/> of a set pixel of <paramref name="mask"/>.</summary>
    private static bool[] NearMask(bool[] mask, int width, int height, double distance)
    {
        int reach = (int)Math.Ceiling(distance);
        var near = new bool[mask.Length];
        for (int p = 0; p < mask.Length; p++)
        {
            if (!mask[p]) continue;
            int x = p % width, y = p / width;
            for (int dy = -reach; dy <= reach; dy++)
            {
                for (int dx = -reach; dx <= reach; dx++)
                {
                    int nx = x + dx, ny = y + dy;
                    if (nx >= 0 && ny >= 0 && nx < width && ny < height && (dx * dx) + (dy * dy) <= distance * distance) near[(ny * width) + nx] = true;
                }
            }
        }
        return near;
    }

    private static bool MostlyOn(Stroke stroke, bool[] mask, int width, int height)
    {
        int on = stroke.Points.Count(p => mask[(Pixel(p.Y, height) * width) + Pixel(p.X, width)]);
        return on * 2 > stroke.Points.Count;
    }

    private static int Pixel(float unit, int extent) => Math.Clamp((int)(unit * extent), 0, extent - 1);

    /// <summary>One stroke shifted, wobbling, of its own width, through the sketch's affine.</summary>
    private static Stroke Drawn(Stroke stroke, Random random, DrawnSketchOptions options, Affine affine, int width, int height)
    {
        double pixelX = 1.0 / width, pixelY = 1.0 / height;
        double shiftX = Gaussian(random) * options.StrokeShift, shiftY = Gaussian(random) * options.StrokeShift;
        int spacing = Math.Max(1, options.WobbleSpacing);
        int controls = (stroke.Points.Count / spacing) + 2;
        var wobbleX = Enumerable.Range(0, controls).Select(_ => Gaussian(random) * options.Wobble).ToArray();
        var wobbleY = Enumerable.Range(0, controls).Select(_ => Gaussian(random) * options.Wobble).ToArray();
        var points = new StrokePoint[stroke.Points.Count];
        for (int i = 0; i < points.Length; i++)
        {
            int c = i / spacing;
            double t = (double)(i % spacing) / spacing;
            double dx = shiftX + Lerp(wobbleX[c], wobbleX[c + 1], t);
            double dy = shiftY + Lerp(wobbleY[c], wobbleY[c + 1], t);
            var p = stroke.Points[i];
            var (x, y) = affine.Apply(p.X + (dx * pixelX), p.Y + (dy * pixelY));
            points[i] = new StrokePoint((float)x, (float)y, p.T);
        }
        float widthScale = options.Width.Min + ((float)random.NextDouble() * (options.Width.Max - options.Width.Min));
        return new Stroke(points) { WidthScale = widthScale };
    }

    private static double Lerp(double a, double b, double t) => a + ((b - a) * t);

    /// <summary>A standard normal draw (Box–Muller).</summary>
    private static double Gaussian(Random random)
    {
        double u = 1.0 - random.NextDouble();
        return Math.Sqrt(-2.0 * Math.Log(u)) * Math.Cos(2.0 * Math.PI * random.NextDouble());
    }

    /// <summary>A 2×2 matrix and a shift acting about the centre (0.5, 0.5) of the unit square.</summary>
    private readonly record struct Affine(double A, double B, double C, double D, double ShiftX, double ShiftY)
    {
        public static Affine Random(Random random, DrawnSketchOptions options)
        {
            double Uniform(double min, double max) => min + (random.NextDouble() * (max - min));
            double angle = Uniform(-options.Rotation, options.Rotation) * Math.PI / 180;
            double scale = Uniform(options.Scale.Min, options.Scale.Max);
            double shear = Uniform(-options.Shear, options.Shear);
            double cos = Math.Cos(angle) * scale, sin = Math.Sin(angle) * scale;
            // rotation·scale, then a horizontal shear: [[1, k], [0, 1]] · [[cos, -sin], [sin, cos]]
            return new Affine(cos + (shear * sin), -sin + (shear * cos), sin, cos,
                Uniform(-options.Shift, options.Shift), Uniform(-options.Shift, options.Shift));
        }

        public (double X, double Y) Apply(double x, double y)
        {
            double cx = x - 0.5, cy = y - 0.5;
            return (0.5 + (A * cx) + (B * cy) + ShiftX, 0.5 + (C * cx) + (D * cy) + ShiftY);
        }
    }
}
