using SbirLab.Core.Configs;
using SbirLab.Core.Runs;
using SbirLab.Engine.Imaging;
using SbirLab.Engine.Indexing;
using SbirLab.Engine.Search;
using SbirLab.Engine.Training;
using Xunit.Abstractions;

namespace SbirLab.Engine.Tests.Search;

/// <summary>Sketch queries against a trained FashionMNIST pseudo-sketch run.</summary>
[Collection("training")]
public class SketchSearcherTests(TrainedSketchRun run, ITestOutputHelper output) : IClassFixture<TrainedSketchRun>
{
    /// <summary>Classes whose outlines differ most (trouser, sandal, sneaker, bag, ankle boot).</summary>
    private static readonly int[] EasyClasses = [1, 5, 7, 8, 9];

    /// <summary>Canvas of the drawings: the strokes' [0, 1] coordinates times 400, as a 400-pixel browser canvas.</summary>
    private const float Canvas = 400;

    private static List<Stroke> OnCanvas(IReadOnlyList<Stroke> strokes) =>
        strokes.Select(s => new Stroke(s.Points.Select(p => new StrokePoint(p.X * Canvas, p.Y * Canvas, p.T)).ToList())).ToList();

    private List<Stroke> DrawingOf(int testIndex) => OnCanvas(EdgeStrokes.FromImage(run.Test.Image(testIndex).ToArray(), 28, 28));

    [Fact]
    public void DrawingsMadeOfTestImagesPseudoSketchStrokesRetrieveTheirClass()
    {
        Assert.Equal(RunStatus.Completed, run.Outcome.Status);
        Assert.True(run.Map > 0.3, $"mAP {run.Map:F3} should clearly beat chance (0.1)");
        // Six held-out test images (the run's query subset, not in its gallery) of each easy class.
        var images = EasyClasses.SelectMany(c => run.QuerySubset.Where(i => run.Test.Labels[i] == c).Take(6)).ToList();
        var right = images.Where(i => run.Searcher.Search(DrawingOf(i), Canvas, Canvas, k: 10).Results[0].Label == run.Test.Labels[i]).ToList();
        output.WriteLine($"mAP {run.Map:F3}; top-1 class right for {right.Count} of {images.Count}: " + string.Join(", ", right));
        // Measured over two trainings in separate test runs (they did not give identical models): 25 and 21 of 30.
        Assert.True(right.Count >= 18, $"top-1 class right for {right.Count} of 30 drawings; at least 60 % expected");
        // Test image 108, the first ankle boot of the held-out subset, was right in every training measured.
        Assert.Contains(108, images);
        Assert.Contains(108, right);
    }

    [Fact]
    public void DrawingsAreFramedLikeTheRunsSketches()
    {
        // FashionMNIST items fill the 28-pixel frame along their longer side: ink 28 px wide, lines 1 px, so the
        // stroke centres span 27 px and leave (28 - 27) / (2 · 28) = 1/56 of the side on each end.
        Assert.Equal(1f, run.Searcher.LineWidth);
        Assert.Equal(1f / 56, run.Searcher.Margin, 1e-6f);
    }

    [Fact]
    public void AFullFrameDrawingIsRenderedExactlyAsThePseudoSketchOfItsImage()
    {
        // An image whose edge strokes reach from pixel centre 0.5 to 27.5 on both axes: fitting the drawing's bounding box
        // with the measured margin maps canvas point x·400 back to x·28, where the pseudo-sketch renderer puts it.
        int image = run.QuerySubset.First(i => FullFrame(EdgeStrokes.FromImage(run.Test.Image(i).ToArray(), 28, 28)));
        var pixels = run.Test.Image(image).ToArray();

        var drawn = run.Searcher.RenderDrawing(OnCanvas(EdgeStrokes.FromImage(pixels, 28, 28)), penWidth: 0);
        var pseudo = PseudoSketch.FromImage(pixels, 28, 28, 28);

        // The same ink, and grey levels equal up to the antialiasing of coordinates that went through the canvas scale
        // and back (float rounding moves a point by about 1e-5 pixels).
        Assert.Equal(pseudo.Select(g => g < SketchFrame.InkBelow), drawn.Select(g => g < SketchFrame.InkBelow));
        int worst = drawn.Zip(pseudo, (a, b) => Math.Abs(a - b)).Max();
        Assert.True(worst <= 8, $"test image {image}: drawing and pseudo-sketch differ by up to {worst} grey levels");
    }

    private static bool FullFrame(IReadOnlyList<Stroke> strokes)
    {
        var points = strokes.SelectMany(s => s.Points).ToList();
        return points.Count > 0 && Math.Abs(points.Min(p => p.X) - 0.5f / 28) < 1e-4 && Math.Abs(points.Max(p => p.X) - 27.5f / 28) < 1e-4
            && Math.Abs(points.Min(p => p.Y) - 0.5f / 28) < 1e-4 && Math.Abs(points.Max(p => p.Y) - 27.5f / 28) < 1e-4;
    }

    [Fact]
    public void APenWiderThanTheTrainingLinesDrawsThickerAndAThinnerOneDrawsTheTrainingWidth()
    {
        var strokes = DrawingOf(run.QuerySubset[0]);
        var thin = run.Searcher.RenderDrawing(strokes, penWidth: 0);
        // A 2-pixel pen on a drawing about 400 canvas pixels wide is 2 · 28 / 400 ≈ 0.14 input pixels: the 1-pixel floor applies.
        Assert.Equal(thin, run.Searcher.RenderDrawing(strokes, penWidth: 2));
        // A 40-pixel pen is about 2.7 input pixels: more ink.
        var thick = run.Searcher.RenderDrawing(strokes, penWidth: 40);
        Assert.True(Ink(thick) > Ink(thin) * 3 / 2, $"ink {Ink(thick)} with a 40-pixel pen vs {Ink(thin)}");
    }

    private static int Ink(byte[] grey) => grey.Count(g => g < SketchFrame.InkBelow);

    [Fact]
    public void HnswFindsNearlyAllOfExactSearchsTopTen()
    {
        var drawings = EasyClasses.SelectMany(c => run.QuerySubset.Where(i => run.Test.Labels[i] == c).Take(4)).Select(DrawingOf).ToList();
        double overlap = drawings.Average(d =>
        {
            var exact = run.Searcher.Search(d, Canvas, Canvas, 10, IndexKind.Exact);
            var hnsw = run.Searcher.Search(d, Canvas, Canvas, 10, IndexKind.Hnsw);
            Assert.Equal(exact.Results.Select(r => r.Distance).Order(), exact.Results.Select(r => r.Distance));
            Assert.Equal(IndexKind.Hnsw, hnsw.Index);
            return exact.Results.Select(r => r.GalleryIndex).Intersect(hnsw.Results.Select(r => r.GalleryIndex)).Count() / 10.0;
        });
        Assert.True(overlap >= 0.9, $"HNSW recall@10 against exact search {overlap:F2}");
    }

    [Fact]
    public void AnUploadedPictureOfASketchReachesTheModelLikeTheDrawing()
    {
        // The pseudo-sketch drawn at 280 pixels with a 6-pixel pen, as a person would export it: thinned back to lines,
        // traced and rendered by the same function, it should cover mostly the same input pixels as the drawing.
        int image = run.QuerySubset.First(i => run.Test.Labels[i] == 9);
        var pixels = run.Test.Image(image).ToArray();
        var png = PngWriter.Encode(PseudoSketch.FromImage(pixels, 28, 28, 280, strokeWidth: 6), 280, 280);

        var upload = run.Searcher.Search(png, k: 10);
        var drawing = run.Searcher.RenderDrawing(DrawingOf(image), 0);

        double iou = Overlap(upload.QueryImage, drawing);
        output.WriteLine($"ink agreement {iou:F2}; upload top-1 {upload.Results[0].ClassName}");
        Assert.True(iou >= 0.5, $"the upload's input shares {iou:F2} of its ink with the drawing's");
        Assert.Equal("ankle boot", upload.BestClass);
    }

    /// <summary>
    /// Share of the ink pixels of both images that have ink of the other image within one pixel (3×3 neighbourhood):
    /// 1 when the lines coincide up to a pixel, 0 when they never meet.
    /// </summary>
    private static double Overlap(byte[] a, byte[] b)
    {
        static bool InkAt(byte[] image, int x, int y) => x is >= 0 and < 28 && y is >= 0 and < 28 && image[(y * 28) + x] < SketchFrame.InkBelow;
        static bool InkNear(byte[] image, int x, int y) => Enumerable.Range(-1, 3).Any(dy => Enumerable.Range(-1, 3).Any(dx => InkAt(image, x + dx, y + dy)));
        int ink = 0, matched = 0;
        foreach (var (image, other) in new[] { (a, b), (b, a) })
            for (int y = 0; y < 28; y++)
                for (int x = 0; x < 28; x++)
                {
                    if (!InkAt(image, x, y)) continue;
                    ink++;
                    if (InkNear(other, x, y)) matched++;
                }
        return ink == 0 ? 0 : (double)matched / ink;
    }

    [Fact]
    public void MalformedOrOversizedQueriesAreRefusedWithAMessageAndTheSearcherGoesOn()
    {
        var dot = new Stroke([new StrokePoint(10, 10, 0)]);
        var searcher = run.Searcher;
        var refusals = new (Action Query, string Message)[]
        {
            (() => searcher.Search([], Canvas, Canvas, 10), "at least one stroke"),
            (() => searcher.Search(Enumerable.Repeat(dot, SketchSearcher.MaxStrokes + 1).ToList(), Canvas, Canvas, 10), "at most 500 strokes"),
            (() => searcher.Search([new Stroke(Enumerable.Range(0, SketchSearcher.MaxPoints + 1).Select(i => new StrokePoint(i % 400, 5, i)).ToList())], Canvas, Canvas, 10), "at most 20000 points"),
            (() => searcher.Search([new Stroke([new StrokePoint(float.NaN, 1, 0)])], Canvas, Canvas, 10), "finite"),
            (() => searcher.Search([new Stroke([])], Canvas, Canvas, 10), "at least one point"),
            (() => searcher.Search([dot], 0, Canvas, 10), "canvas"),
            (() => searcher.Search([dot], Canvas, float.PositiveInfinity, 10), "canvas"),
            (() => searcher.Search([dot], Canvas, Canvas, 10, null, strokeWidth: 1000), "stroke width"),
            (() => searcher.Search(new byte[SketchSearcher.MaxUploadBytes + 1], 10), "5 MiB"),
            (() => searcher.Search([], 10), "1 byte"),
            (() => searcher.Search("not an image"u8.ToArray(), 10), "not a readable image"),
            (() => searcher.Search(PngWriter.Encode(Enumerable.Repeat((byte)200, 64 * 64).ToArray(), 64, 64), 10), "no drawing"),
        };
        foreach (var (query, message) in refusals)
            Assert.Contains(message, Assert.Throws<ArgumentException>(query).Message);

        var answer = searcher.Search(DrawingOf(run.QuerySubset[0]), Canvas, Canvas, 10);
        Assert.Equal(10, answer.Results.Count);
        Assert.Equal(SketchSearcher.MaxResults, searcher.Search([dot], Canvas, Canvas, k: 1_000_000).Results.Count);
        Assert.Single(searcher.Search([dot], Canvas, Canvas, k: 0).Results);
    }
}
