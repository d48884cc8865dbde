using SbirLab.Engine.Imaging;

namespace SbirLab.Engine.Tests.Imaging;

public class DrawnSketchTests
{
    private const int Side = 28;

    /// <summary>A grey square over rows and columns 6..21 with a darker bar inside (rows 13–14, columns 9..18): an outline and an interior edge.</summary>
    private static byte[] SquareWithBar()
    {
        var grey = new byte[Side * Side];
        for (int y = 6; y < 22; y++) Array.Fill(grey, (byte)200, (y * Side) + 6, 16);
        for (int y = 13; y < 15; y++) Array.Fill(grey, (byte)60, (y * Side) + 9, 10);
        return grey;
    }

    /// <summary>No shift, wobble, width change or affine: only the choice of strokes is left.</summary>
    private static DrawnSketchOptions Still(double drop) => new()
    {
        DropShort = drop,
        DropLong = drop,
        StrokeShift = 0,
        Wobble = 0,
        Width = (1f, 1f),
        Rotation = 0,
        Scale = (1, 1),
        Shear = 0,
        Shift = 0,
    };

    private static bool InkNear(byte[] sketch, int x0, int y0, int reach = 1)
    {
        for (int y = y0 - reach; y <= y0 + reach; y++)
            for (int x = x0 - reach; x <= x0 + reach; x++)
                if (sketch[(y * Side) + x] < 128) return true;
        return false;
    }

    private static double DistanceToOutline(int x, int y)
    {
        double Edge(double v) => Math.Min(Math.Abs(v - 5.5), Math.Abs(v - 21.5));
        bool insideX = x >= 5 && x <= 22, insideY = y >= 5 && y <= 22;
        return insideX && insideY ? Math.Min(Edge(x), Edge(y)) : Math.Max(insideX ? 0 : Edge(x), insideY ? 0 : Edge(y));
    }

    [Fact]
    public void TheOutlineIsAlwaysDrawnAndInteriorEdgesAreTheOnesLeftOut()
    {
        var image = SquareWithBar();
        var edges = PseudoSketch.FromImage(image, Side, Side, Side);
        Assert.True(InkNear(edges, 13, 12) || InkNear(edges, 13, 15), "the edge map traces the bar");

        var outlineOnly = DrawnSketch.FromImage(image, Side, Side, Side, new Random(1), Still(drop: 1));

        for (int i = 8; i <= 19; i++)
        {
            Assert.True(InkNear(outlineOnly, 6, i, reach: 0) || InkNear(outlineOnly, 5, i, reach: 0), $"left side, row {i}");
            Assert.True(InkNear(outlineOnly, i, 21, reach: 0) || InkNear(outlineOnly, i, 22, reach: 0), $"bottom side, column {i}");
        }
        for (int y = 0; y < Side; y++)
            for (int x = 0; x < Side; x++)
                if (outlineOnly[(y * Side) + x] < 200) Assert.True(DistanceToOutline(x, y) <= 1.5, $"ink at ({x},{y}) is off the outline");

        var everything = DrawnSketch.FromImage(image, Side, Side, Side, new Random(1), Still(drop: 0));
        Assert.True(InkNear(everything, 13, 12) || InkNear(everything, 13, 15), "kept interior strokes are drawn");
    }

    [Fact]
    public void ASeedGivesOneSketchAndAnotherSeedAnotherAndNeitherIsTheEdgeMap()
    {
        var image = SquareWithBar();
        var first = DrawnSketch.FromImage(image, Side, Side, Side, new Random(5));
        Assert.Equal(first, DrawnSketch.FromImage(image, Side, Side, Side, new Random(5)));
        Assert.NotEqual(first, DrawnSketch.FromImage(image, Side, Side, Side, new Random(6)));
        Assert.NotEqual(PseudoSketch.FromImage(image, Side, Side, Side), first);
        Assert.Contains(first, v => v < 128);
    }

    [Fact]
    public void AStrokesWidthScaleWidensItsLine()
    {
        StrokePoint[] line = [new(0.2f, 0.5f, 0), new(0.8f, 0.5f, 1)];
        int Ink(float scale) => SketchRenderer.Render([new Stroke(line) { WidthScale = scale }], 64, 2f).Count(v => v < 128);
        Assert.True(Ink(3f) > 2 * Ink(1f), $"{Ink(3f)} vs {Ink(1f)} dark pixels");
    }
}
