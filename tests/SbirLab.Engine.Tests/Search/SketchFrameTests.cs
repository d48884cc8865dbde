using SbirLab.Engine.Datasets;
using SbirLab.Engine.Imaging;
using SbirLab.Engine.Models;
using SbirLab.Engine.Search;

namespace SbirLab.Engine.Tests.Search;

/// <summary>Where drawings sit in the model's input, and how uploads become strokes (no model needed).</summary>
public class SketchFrameTests
{
    [Fact]
    public void ScaleFitsTheLongerSideOfTheBoundingBoxInsideTheMargins()
    {
        // Bounding box 100 × 50 canvas pixels into 28 pixels with 10 % margins: 28 · 0.8 / 100 = 0.224.
        var strokes = new[] { new Stroke([new StrokePoint(20, 30, 0), new StrokePoint(120, 80, 1)]) };
        Assert.Equal(0.224f, SketchFrame.Scale(strokes, 28, 0.1f), 1e-6f);
        Assert.Equal(0f, SketchFrame.Scale([new Stroke([new StrokePoint(5, 5, 0)])], 28, 0.1f));
    }

    [Fact]
    public void InkExtentIsTheLongerSideOfTheInksBoundingBox()
    {
        var image = Square(28, x0: 3, y0: 5, width: 8, height: 16);
        Assert.Equal(16, SketchFrame.InkExtent(image, 28, 1));
        Assert.Equal(0, SketchFrame.InkExtent(Enumerable.Repeat((byte)255, 28 * 28).ToArray(), 28, 1));
    }

    [Fact]
    public void TheMarginIsTheMedianBorderLeftBetweenStrokeCentresAndTheEdge()
    {
        // Ink squares 20, 22 and 24 pixels wide with 1-pixel lines: centres span 19, 21, 23 pixels, borders
        // (28 − 19) / 56 = 0.1607, (28 − 21) / 56 = 0.125, (28 − 23) / 56 = 0.0893; the median is 0.125.
        var pixels = new[] { 20, 22, 24 }.SelectMany(side => Square(28, 2, 2, side, side)).ToArray();
        var set = new GreyImageSet(pixels, 28, [0, 0, 0], [Domain.Sketch, Domain.Sketch, Domain.Sketch], [0, 1, 2], 0.5f, 0.5f);
        Assert.Equal(0.125f, SketchFrame.MeasureMargin(set, lineWidth: 1), 1e-6f);

        var blank = new GreyImageSet(Enumerable.Repeat((byte)255, 28 * 28).ToArray(), 28, [0], [Domain.Sketch], [0], 0.5f, 0.5f);
        Assert.Equal(SketchSearcher.DefaultMargin, SketchFrame.MeasureMargin(blank, 1));
    }

    [Fact]
    public void LinesOfAMaskAreTracedIntoStrokesAtPixelCentres()
    {
        var mask = new bool[10 * 10];
        for (int x = 2; x <= 6; x++) mask[(2 * 10) + x] = true; // five pixels of row 2
        var stroke = Assert.Single(EdgeStrokes.FromLines(mask, 10, 10));
        Assert.Equal([0.25f, 0.35f, 0.45f, 0.55f, 0.65f], stroke.Points.Select(p => p.X).Order().ToArray(), new FloatTolerance(1e-6f));
        Assert.All(stroke.Points, p => Assert.Equal(0.25f, p.Y, 1e-6f));
    }

    [Fact]
    public void AnUploadedThickLineIsThinnedToOneStrokeAlongItsMiddle()
    {
        // A bar 9 pixels thick (rows 100–108 of 256) from x = 40 to 215 on white: one stroke near row 104.
        var png = PngWriter.Encode(Square(256, x0: 40, y0: 100, width: 176, height: 9), 256, 256);
        var strokes = SketchUpload.ToStrokes(png);
        var points = strokes.SelectMany(s => s.Points).ToList();
        Assert.True(strokes.Count <= 2, $"{strokes.Count} strokes");
        Assert.All(points, p => Assert.InRange(p.Y * 256, 102, 107));
        Assert.True(points.Max(p => p.X) - points.Min(p => p.X) > 150 / 256f);
    }

    [Fact]
    public void LightLinesOnDarkPaperAreTracedLikeDarkLinesOnLightPaper()
    {
        var dark = Square(256, 60, 60, 120, 12);
        var light = dark.Select(g => (byte)(255 - g)).ToArray();
        var fromDark = SketchUpload.ToStrokes(PngWriter.Encode(dark, 256, 256));
        var fromLight = SketchUpload.ToStrokes(PngWriter.Encode(light, 256, 256));
        Assert.Equal(fromDark.SelectMany(s => s.Points), fromLight.SelectMany(s => s.Points));
    }

    [Fact]
    public void AnImageOfOneColourHoldsNoDrawing()
    {
        var grey = PngWriter.Encode(Enumerable.Repeat((byte)128, 64 * 64).ToArray(), 64, 64);
        Assert.Contains("no drawing", Assert.Throws<ArgumentException>(() => SketchUpload.ToStrokes(grey)).Message);
    }

    /// <summary>A white <paramref name="size"/>² image with a black filled rectangle.</summary>
    private static byte[] Square(int size, int x0, int y0, int width, int height)
    {
        var image = Enumerable.Repeat((byte)255, size * size).ToArray();
        for (int y = y0; y < y0 + height; y++)
            for (int x = x0; x < x0 + width; x++)
                image[(y * size) + x] = 0;
        return image;
    }

    private sealed class FloatTolerance(float tolerance) : IEqualityComparer<float>
    {
        public bool Equals(float x, float y) => Math.Abs(x - y) <= tolerance;
        public int GetHashCode(float value) => 0;
    }
}
