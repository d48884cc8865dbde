using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace SbirLab.Core.Evaluations;

/// <summary>How an embedding map is projected to 2-D.</summary>
public enum MapProjection
{
    Tsne,
    Pca,
}

/// <summary>Which image set of a run's evaluation an index points into.</summary>
public enum ImageSetKind
{
    Query,
    Gallery,
}

/// <summary>
/// One point of an embedding map: where the projection put it, its class, whether it is a sketch or a photo, and the
/// evaluation image it shows (<see cref="Set"/>, <see cref="Index"/>), for its thumbnail.
/// </summary>
public sealed record MapPoint(double X, double Y, int Label, bool Sketch, ImageSetKind Set, int Index);

/// <summary>
/// A 2-D embedding map of a run: the one format of every map, the evaluator's (t-SNE and PCA, made at the final
/// evaluation) and the web lab's made on request. The store keeps one per run and projection.
/// </summary>
public sealed record EmbeddingMapData(MapProjection Projection, IReadOnlyList<string> ClassNames, IReadOnlyList<MapPoint> Points)
{
    /// <summary>For a PCA map: the share of the variance each of its two axes explains.</summary>
    public IReadOnlyList<double>? ExplainedVariance { get; init; }

    /// <summary>The file a map is exported as: <c>embedding-map-tsne.json</c>, <c>embedding-map-pca.json</c>.</summary>
    public string FileName => $"embedding-map-{ProjectionName(Projection)}.json";

    /// <summary>"tsne" or "pca", as stored.</summary>
    public static string ProjectionName(MapProjection projection) => projection == MapProjection.Tsne ? "tsne" : "pca";

    /// <summary>A caption such as "t-SNE" or "PCA (axes explain 41 % + 18 % of the variance)".</summary>
    public string ProjectionTitle => Projection switch
    {
        MapProjection.Tsne => "t-SNE",
        _ when ExplainedVariance is [var first, var second, ..] =>
            string.Create(CultureInfo.InvariantCulture, $"PCA (axes explain {first * 100:F0} % + {second * 100:F0} % of the variance)"),
        _ => "PCA",
    };

    public string ClassName(int label) => label >= 0 && label < ClassNames.Count ? ClassNames[label] : $"class {label}";

    public static readonly JsonSerializerOptions JsonOptions = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
        Converters = { new JsonStringEnumConverter(JsonNamingPolicy.KebabCaseLower) },
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    };

    public string ToJson() => JsonSerializer.Serialize(this, JsonOptions);

    /// <summary>The map a <see cref="ToJson"/> text holds; <see cref="JsonException"/> when it holds none.</summary>
    public static EmbeddingMapData FromJson(string json) =>
        JsonSerializer.Deserialize<EmbeddingMapData>(json, JsonOptions) is { Points: not null, ClassNames: not null } map
            ? map
            : throw new JsonException("not an embedding map");
}
