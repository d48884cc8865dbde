using SbirLab.Engine.Imaging;

namespace SbirLab.Engine.Tests.Imaging;

public class PseudoSketchTests
{
    /// <summary>28×28 black image with a white filled square covering rows and columns 8..19.</summary>
    private static byte[] FilledSquare()
    {
        var grey = new byte[28 * 28];
        for (var y = 8; y < 20; y++)
        {
            Array.Fill(grey, (byte)255, (y * 28) + 8, 12);
        }

        return grey;
    }

    /// <summary>Chebyshev distance from pixel (x, y) to the square's outline, taken as the band between 7.5 and 19.5.</summary>
    private static double DistanceToOutline(int x, int y)
    {
        double Edge(double v) => Math.Min(Math.Abs(v - 7.5), Math.Abs(v - 19.5));
        var insideX = x >= 7 && x <= 20;
        var insideY = y >= 7 && y <= 20;
        if (insideX && insideY)
        {
            return Math.Min(Edge(x), Edge(y));
        }

        return Math.Max(insideX ? 0 : Edge(x), insideY ? 0 : Edge(y));
    }

    [Fact]
    public void FilledSquareBecomesADarkOutlineOnWhite()
    {
        var sketch = PseudoSketch.FromImage(FilledSquare(), 28, 28, 28);

        Assert.Equal(255, sketch[(13 * 28) + 13]); // inside
        Assert.Equal(255, sketch[0]);               // outside, far corner
        Assert.Equal(255, sketch[(27 * 28) + 27]);
        for (var i = 9; i <= 18; i++)
        {
            // Every side has ink at the boundary (one of the two pixels that straddle it).
            Assert.True(Math.Min(sketch[(i * 28) + 7], sketch[(i * 28) + 8]) < 128, $"left side, row {i}");
            Assert.True(Math.Min(sketch[(i * 28) + 19], sketch[(i * 28) + 20]) < 128, $"right side, row {i}");
            Assert.True(Math.Min(sketch[(7 * 28) + i], sketch[(8 * 28) + i]) < 128, $"top side, column {i}");
            Assert.True(Math.Min(sketch[(19 * 28) + i], sketch[(20 * 28) + i]) < 128, $"bottom side, column {i}");
        }

        for (var y = 0; y < 28; y++)
        {
            for (var x = 0; x < 28; x++)
            {
                if (sketch[(y * 28) + x] < 250)
                {
                    Assert.True(DistanceToOutline(x, y) <= 1.5, $"ink at ({x},{y}) is away from the outline");
                }
            }
        }
    }

    [Fact]
    public void RenderingTheTracedStrokesGivesThePseudoSketch()
    {
        var image = FilledSquare();
        var strokes = EdgeStrokes.FromImage(image, 28, 28);
        Assert.NotEmpty(strokes);
        Assert.All(strokes.SelectMany(s => s.Points), p =>
        {
            Assert.InRange(p.X, 0f, 1f);
            Assert.InRange(p.Y, 0f, 1f);
        });

        foreach (var size in new[] { 28, 64 })
        {
            var width = PseudoSketch.DefaultStrokeWidth(28, 28, size);
            Assert.Equal(PseudoSketch.FromImage(image, 28, 28, size), SketchRenderer.Render(strokes, size, width));
        }
    }

    [Fact]
    public void PseudoSketchIsDeterministicAndAFlatImageIsBlankPaper()
    {
        var image = TestImages.Noise(28, 28, seed: 9, channels: 1);
        Assert.Equal(PseudoSketch.FromImage(image, 28, 28, 56), PseudoSketch.FromImage(image, 28, 28, 56));

        var flat = Enumerable.Repeat((byte)90, 28 * 28).ToArray();
        Assert.Empty(EdgeStrokes.FromImage(flat, 28, 28));
        Assert.All(PseudoSketch.FromImage(flat, 28, 28, 28), v => Assert.Equal(255, v));
    }

    [Fact]
    public void SobelMagnitudeOfAStepMatchesTheKernelSum()
    {
        // Vertical step 0 | 100 between columns 1 and 2 of a 4×3 image: at a column-1 pixel the x kernel gives
        // (1 + 2 + 1)·100 = 400 and the y kernel 0, so the magnitude is 400; at column 0 it is 0.
        byte[] grey = [0, 0, 100, 100, 0, 0, 100, 100, 0, 0, 100, 100];
        var magnitude = EdgeStrokes.SobelMagnitude(grey, 4, 3);
        Assert.Equal(400, magnitude[4 + 1]);
        Assert.Equal(400, magnitude[4 + 2]);
        Assert.Equal(0, magnitude[4 + 0]);
    }

    [Fact]
    public void TracingFollowsALineInOrderAndClosesALoop()
    {
        // A horizontal line of five pixels in a 7×3 map: one path from its left end to its right end.
        var line = new bool[7 * 3];
        for (var x = 1; x <= 5; x++)
        {
            line[7 + x] = true;
        }

        var path = Assert.Single(EdgeStrokes.Trace(line, 7, 3));
        Assert.Equal([8, 9, 10, 11, 12], path);

        // The eight pixels around the centre of a 5×5 map: one closed path visiting each once.
        var ring = new bool[25];
        foreach (var p in new[] { 6, 7, 8, 11, 13, 16, 17, 18 })
        {
            ring[p] = true;
        }

        var loop = Assert.Single(EdgeStrokes.Trace(ring, 5, 5));
        Assert.Equal(loop[0], loop[^1]);
        Assert.Equal(8, loop.Distinct().Count());
    }

    [Fact]
    public void BranchesAreJoinedToTheStrokeTheyTouch()
    {
        // A "T": row 1 columns 1..5 and column 3 rows 2..4 of a 7×6 map.
        var tee = new bool[7 * 6];
        for (var x = 1; x <= 5; x++)
        {
            tee[7 + x] = true;
        }

        for (var y = 2; y <= 4; y++)
        {
            tee[(y * 7) + 3] = true;
        }

        var paths = EdgeStrokes.Trace(tee, 7, 6);
        Assert.Equal(tee.Count(v => v), paths.SelectMany(p => p).Distinct().Count());
        // Every path after the first starts or ends on a pixel of an earlier path, so the drawing has no gaps.
        for (var i = 1; i < paths.Count; i++)
        {
            var earlier = paths.Take(i).SelectMany(p => p).ToHashSet();
            Assert.True(earlier.Contains(paths[i][0]) || earlier.Contains(paths[i][^1]));
        }
    }
}
