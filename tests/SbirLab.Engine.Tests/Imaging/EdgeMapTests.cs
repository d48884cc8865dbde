using SbirLab.Engine.Imaging;

namespace SbirLab.Engine.Tests.Imaging;

public class EdgeMapTests
{
    private static int CountInRow(bool[] map, int width, int row) => map.Skip(row * width).Take(width).Count(v => v);

    [Fact]
    public void NonMaximumSuppressionLeavesOnePixelPerRowOfAStep()
    {
        // Columns 0..4 black, 5..9 white: Sobel is 1020 at columns 4 and 5 (a two-pixel plateau); NMS keeps column 5.
        var grey = new byte[10 * 5];
        for (var y = 0; y < 5; y++)
        {
            Array.Fill(grey, (byte)255, (y * 10) + 5, 5);
        }

        var thin = EdgeStrokes.EdgeMap(grey, 10, 5, new EdgeOptions());
        var thick = EdgeStrokes.EdgeMap(grey, 10, 5, new EdgeOptions { Thinning = EdgeThinning.None });
        for (var y = 0; y < 5; y++)
        {
            Assert.Equal(1, CountInRow(thin, 10, y));
            Assert.True(thin[(y * 10) + 5]);
            Assert.Equal(2, CountInRow(thick, 10, y));
        }
    }

    [Fact]
    public void HysteresisKeepsAFaintEdgeOnlyWhereItContinuesAStrongOne()
    {
        // Right half is 255 in rows 0..5 and 60 in rows 6..11. The vertical edge is strong on top (4·255 = 1020)
        // and faint below (4·60 = 240, i.e. 0.235 of the maximum: under 0.35, over 0.15).
        var grey = new byte[12 * 12];
        for (var y = 0; y < 12; y++)
        {
            Array.Fill(grey, y < 6 ? (byte)255 : (byte)60, (y * 12) + 6, 6);
        }

        var withHysteresis = EdgeStrokes.EdgeMap(grey, 12, 12, new EdgeOptions { Threshold = 0.35, LowThreshold = 0.15 });
        var without = EdgeStrokes.EdgeMap(grey, 12, 12, new EdgeOptions { Threshold = 0.35, LowThreshold = null });
        for (var y = 8; y < 12; y++)
        {
            Assert.True(withHysteresis[(y * 12) + 6], $"row {y} with hysteresis");
            Assert.False(without[(y * 12) + 6], $"row {y} without hysteresis");
        }

        Assert.True(without[(2 * 12) + 6]);
    }

    [Fact]
    public void ZhangSuenReducesAThickBarToAOnePixelLine()
    {
        // A 3-pixel-thick horizontal bar (rows 2..4, columns 2..11) of a 14×7 map.
        var map = new bool[14 * 7];
        for (var y = 2; y <= 4; y++)
        {
            for (var x = 2; x <= 11; x++)
            {
                map[(y * 14) + x] = true;
            }
        }

        ZhangSuenThinning.Thin(map, 14, 7);
        for (var x = 4; x <= 9; x++)
        {
            Assert.Equal(1, Enumerable.Range(0, 7).Count(y => map[(y * 14) + x]));
            Assert.True(map[(3 * 14) + x]);
        }
    }
}
