namespace SbirLab.Engine.Imaging;

/// <summary>One sampled point of a pen stroke: position and time (Quick, Draw! style; T is milliseconds or a sequence number).</summary>
public readonly record struct StrokePoint(float X, float Y, float T);

/// <summary>
/// A pen-down-to-pen-up polyline. Coordinates are in [0, 1] for traced edge maps, or in canvas pixels for
/// browser drawings (render those with <see cref="SketchRenderOptions.Normalise"/> or a canvas size).
/// </summary>
public sealed record Stroke(IReadOnlyList<StrokePoint> Points)
{
    /// <summary>This stroke's width as a multiple of the renderer's (1 for browser drawings and edge maps; varied by <see cref="DrawnSketch"/>).</summary>
    public float WidthScale { get; init; } = 1f;
}
