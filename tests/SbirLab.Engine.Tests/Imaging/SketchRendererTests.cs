using SbirLab.Engine.Imaging;

namespace SbirLab.Engine.Tests.Imaging;

public class SketchRendererTests
{
    private static Stroke Line(params (float X, float Y)[] points) =>
        new(points.Select((p, i) => new StrokePoint(p.X, p.Y, i * 10)).ToList());

    [Fact]
    public void UnitCoordinatesMapToThePixelGrid()
    {
        var image = SketchRenderer.Render([Line((0.2f, 0.55f), (0.8f, 0.55f))], 50, 2f);
        // y = 0.55·50 = 27.5 and width 2 → rows 26.5..28.5: row 27 fully covered, rows 26 and 28 half.
        Assert.Equal(0, image[(27 * 50) + 25]);
        Assert.InRange(image[(26 * 50) + 25], 100, 160);
        Assert.Equal(255, image[(24 * 50) + 25]);
        Assert.Equal(255, image[(27 * 50) + 5]); // left of the start cap (x = 10 − 1)
    }

    [Fact]
    public void NormaliseFitsABrowserDrawingIntoTheSquareWithAMargin()
    {
        // Drawn at (100, 120)–(300, 120) on a 400×400 canvas; normalised into 100 px with a 10 % margin the line
        // runs from x = 10 to x = 90 at the vertical centre y = 50.
        var stroke = Line((100, 120), (300, 120));
        var image = SketchRenderer.Render([stroke], 100, 3f, new SketchRenderOptions { Normalise = true, Margin = 0.1f });

        Assert.Equal(0, image[(50 * 100) + 50]);
        Assert.Equal(0, image[(50 * 100) + 12]);
        Assert.Equal(0, image[(50 * 100) + 87]);
        Assert.Equal(255, image[(50 * 100) + 5]);
        Assert.Equal(255, image[(50 * 100) + 95]);
        Assert.Equal(255, image[(40 * 100) + 50]);
    }

    [Fact]
    public void CanvasCoordinatesScaleWithoutMovingTheDrawing()
    {
        // A dot at (300, 100) on a 400×400 canvas lands at (75, 25) of a 100 px image.
        var dot = new Stroke([new StrokePoint(300, 100, 0)]);
        var image = SketchRenderer.Render([dot], 100, 6f, new SketchRenderOptions { CanvasWidth = 400, CanvasHeight = 400 });

        Assert.Equal(0, image[(25 * 100) + 75]);
        Assert.Equal(255, image[(25 * 100) + 65]);
        Assert.Equal(255, image[(50 * 100) + 50]);
        Assert.Equal(100 * 100, image.Length);
    }

    [Fact]
    public void InkAndPaperLevelsAreConfigurable()
    {
        var options = new SketchRenderOptions { Background = 0, Ink = 255, Antialias = false };
        var image = SketchRenderer.Render([Line((0.1f, 0.5f), (0.9f, 0.5f))], 20, 4f, options);
        Assert.Equal(255, image[(10 * 20) + 10]);
        Assert.Equal(0, image[0]);
        Assert.All(image, v => Assert.True(v is 0 or 255));
    }
}
