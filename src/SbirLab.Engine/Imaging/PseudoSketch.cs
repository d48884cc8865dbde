namespace SbirLab.Engine.Imaging;

/// <summary>
/// The FashionMNIST "sketch" domain: the edge map of a grey image traced into strokes (<see cref="EdgeStrokes"/>)
/// and drawn dark on white by <see cref="SketchRenderer"/>, the same renderer as browser-drawn queries.
/// </summary>
public static class PseudoSketch
{
    /// <summary>
    /// Renders the pseudo-sketch of a row-major grey image as a <paramref name="size"/>×<paramref name="size"/> grey image.
    /// The default stroke width is one source pixel (size / max(width, height)), so at the source size the lines
    /// are one pixel wide.
    /// </summary>
    public static byte[] FromImage(byte[] grey, int width, int height, int size, float? strokeWidth = null, EdgeOptions? edges = null)
    {
        var strokes = EdgeStrokes.FromImage(grey, width, height, edges);
        return SketchRenderer.Render(strokes, size, strokeWidth ?? DefaultStrokeWidth(width, height, size));
    }

    /// <summary>One source pixel expressed in output pixels.</summary>
    public static float DefaultStrokeWidth(int width, int height, int size) => (float)size / Math.Max(width, height);
}
