using System.Text.Json;

namespace SbirLab.Web.Services;

/// <summary>
/// A 2-D embedding map as the store keeps it with an evaluation (the engine's <c>EmbeddingMap</c> shape in
/// camelCase: x, y, labels, classNames, isSketch), plus, per point, which evaluation image it shows
/// (<c>sets</c>: "query" or "gallery", <c>indices</c>) so the map can show its thumbnail on hover.
/// </summary>
public sealed record EmbeddingMapData(double[] X, double[] Y, int[] Labels, string[]? ClassNames = null, bool[]? IsSketch = null,
    string[]? Sets = null, int[]? Indices = null)
{
    /// <summary>"pca" or "tsne" when known.</summary>
    public string? Projection { get; init; }

    /// <summary>The same points in another projection (the engine's map holds both t-SNE and PCA), else null.</summary>
    public EmbeddingMapData? OtherView { get; init; }

    /// <summary>For a PCA view: the share of the variance each of its two axes explains.</summary>
    public double[]? ExplainedVariance { get; init; }

    /// <summary>A caption such as "t-SNE" or "PCA (axes explain 41 % + 18 % of the variance)".</summary>
    public string ProjectionTitle => Projection switch
    {
        "tsne" => "t-SNE",
        "pca" when ExplainedVariance is [var first, var second, ..] =>
            string.Create(System.Globalization.CultureInfo.InvariantCulture, $"PCA (axes explain {first * 100:F0} % + {second * 100:F0} % of the variance)"),
        "pca" => "PCA",
        _ => "2-D",
    };

    private static readonly JsonSerializerOptions Options = new() { PropertyNameCaseInsensitive = true };

    /// <summary>The map in <paramref name="json"/>; null when there is none or it is not a map.</summary>
    public static EmbeddingMapData? TryParse(string? json)
    {
        if (string.IsNullOrWhiteSpace(json)) return null;
        try
        {
            var map = FromEngineReport(json) ?? JsonSerializer.Deserialize<EmbeddingMapData>(json, Options);
            return map is { X: not null, Y: not null, Labels: not null } && map.X.Length == map.Y.Length && map.X.Length == map.Labels.Length && map.X.Length > 0
                ? map
                : null;
        }
        catch (JsonException) { return null; }
    }

    /// <summary>
    /// The map the engine writes at evaluation (<see cref="SbirLab.Engine.Training.EmbeddingMapFile"/>: points with
    /// t-SNE and PCA coordinates): its t-SNE view, with the PCA view as <see cref="OtherView"/>, and every point's
    /// image for the thumbnails. Null for other JSON.
    /// </summary>
    private static EmbeddingMapData? FromEngineReport(string json)
    {
        if (!json.Contains("\"points\"", StringComparison.Ordinal)) return null;
        var file = JsonSerializer.Deserialize<SbirLab.Engine.Training.EmbeddingMapFile>(json, Options);
        if (file is null || file.Points.Count == 0) return null;
        var points = file.Points;
        EmbeddingMapData View(Func<SbirLab.Engine.Training.MapPoint, double> x, Func<SbirLab.Engine.Training.MapPoint, double> y) => new(
            points.Select(x).ToArray(), points.Select(y).ToArray(), points.Select(p => (int)p.Label).ToArray(),
            file.ClassNames.ToArray(), points.Select(p => p.Domain == "sketch").ToArray(),
            points.Select(p => p.Set).ToArray(), points.Select(p => p.Index).ToArray());
        var pca = View(p => p.PcaX, p => p.PcaY) with { Projection = "pca", ExplainedVariance = file.PcaExplainedVariance };
        return View(p => p.TsneX, p => p.TsneY) with { Projection = "tsne", OtherView = pca };
    }

    public bool HasThumbnails => Sets?.Length == X.Length && Indices?.Length == X.Length;

    public string ClassName(int label) => ClassNames is { } names && label >= 0 && label < names.Length ? names[label] : $"class {label}";

    /// <summary>The image behind a point, as (set, index), when the map says which it is.</summary>
    public (ImageSetKind Set, int Index)? ImageOf(int point) =>
        HasThumbnails && point >= 0 && point < X.Length && Enum.TryParse<ImageSetKind>(Sets![point], true, out var set) ? (set, Indices![point]) : null;
}
