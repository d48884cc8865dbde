using SbirLab.Engine.Datasets;
using SbirLab.Engine.Imaging;

namespace SbirLab.Web.Tests.Search;

/// <summary>Drawings for the search tests: the strokes of FashionMNIST test images' pseudo-sketches.</summary>
public static class SketchDrawings
{
    private static readonly Lazy<FashionMnistSplit> Test = new(() => FashionMnist.Load("test"));

    /// <summary>The FashionMNIST test split.</summary>
    public static FashionMnistSplit TestSplit => Test.Value;

    /// <summary>The first test image of a class.</summary>
    public static int FirstOf(int label) => Array.IndexOf(TestSplit.Labels, (long)label);

    /// <summary>The pseudo-sketch strokes of a test image, in [0, 1] coordinates, longest first.</summary>
    public static IReadOnlyList<Stroke> Strokes(int testIndex) =>
        EdgeStrokes.FromImage(TestSplit.Image(testIndex).ToArray(), TestSplit.Width, TestSplit.Height)
            .OrderByDescending(s => s.Points.Count).ToList();

    /// <summary>Strokes in Quick, Draw! raw format on a <paramref name="size"/>-pixel square canvas.</summary>
    public static float[][][] QuickDraw(IEnumerable<Stroke> strokes, float size) =>
        strokes.Select(s => new[]
        {
            s.Points.Select(p => p.X * size).ToArray(),
            s.Points.Select(p => p.Y * size).ToArray(),
            s.Points.Select(p => p.T).ToArray(),
        }).ToArray();
}
