using SbirLab.Core.Evaluations;
using SbirLab.Core.Runs;
using SbirLab.Engine.Datasets;
using SbirLab.Engine.Models;
using SbirLab.Engine.Projection;
using SbirLab.Engine.Reports;

namespace SbirLab.Engine.Training;

/// <summary>
/// A 2-D map of a run's query and gallery embeddings (both domains), by our own t-SNE and PCA: two
/// <see cref="EmbeddingMapData"/> (the store keeps them with the evaluation) and two pictures with thumbnails.
/// Large sets are subsampled with the seed, since exact t-SNE costs O(N²).
/// </summary>
public static class RunEmbeddingMap
{
    /// <summary>The map's pictures in the run's pictures folder.</summary>
    public const string TsnePicture = "embedding-map-tsne.png", PcaPicture = "embedding-map-pca.png";

    /// <summary>The t-SNE and PCA maps of a subsample of the embeddings, with their pictures drawn into the run folder; none for fewer than 5 points.</summary>
    public static IReadOnlyList<EmbeddingMapData> Make(RunFolder folder, EvaluationSets data, float[][] queries, float[][] gallery, int maxPoints, int seed)
    {
        var chosen = Choose(queries.Length, gallery.Length, maxPoints, seed);
        if (chosen.Count < 5) return [];
        var vectors = chosen.Select(c => c.Set == ImageSetKind.Query ? queries[c.Index] : gallery[c.Index]).ToArray();
        var tsne = Tsne.Project(vectors, new TsneOptions { Seed = seed, Iterations = 750, Initialization = TsneInitialization.Pca });
        var pca = Pca.Project(vectors, 2);
        var tsneMap = Map(MapProjection.Tsne, data, chosen, i => (tsne[i][0], tsne[i][1]));
        var pcaMap = Map(MapProjection.Pca, data, chosen, i => (pca.Points[i][0], pca.Points[i][1])) with { ExplainedVariance = pca.ExplainedVarianceRatios };
        Picture(folder, data, tsneMap, "t-SNE", TsnePicture);
        Picture(folder, data, pcaMap, "PCA", PcaPicture);
        return [tsneMap, pcaMap];
    }

    /// <summary>The map of <paramref name="chosen"/> images placed where <paramref name="at"/> says, in the one map format.</summary>
    public static EmbeddingMapData Map(MapProjection projection, EvaluationSets data, IReadOnlyList<(ImageSetKind Set, int Index)> chosen, Func<int, (double X, double Y)> at)
    {
        ArgumentNullException.ThrowIfNull(data);
        ArgumentNullException.ThrowIfNull(chosen);
        ArgumentNullException.ThrowIfNull(at);
        var points = chosen.Select((c, i) =>
        {
            var set = SetOf(data, c.Set);
            var (x, y) = at(i);
            return new MapPoint(x, y, (int)set.Labels[c.Index], set.Domains[c.Index] == Domain.Sketch, c.Set, c.Index);
        }).ToList();
        return new EmbeddingMapData(projection, [.. data.ClassNames], points);
    }

    private static IImageSet SetOf(EvaluationSets data, ImageSetKind set) => set == ImageSetKind.Query ? data.Queries : data.Gallery;

    private static List<(ImageSetKind Set, int Index)> Choose(int queries, int gallery, int maxPoints, int seed)
    {
        var random = new Random(seed);
        int fromQueries = Math.Min(queries, maxPoints / 2);
        int fromGallery = Math.Min(gallery, maxPoints - fromQueries);
        var q = Enumerable.Range(0, queries).OrderBy(_ => random.Next()).Take(fromQueries).Order().Select(i => (ImageSetKind.Query, i));
        var g = Enumerable.Range(0, gallery).OrderBy(_ => random.Next()).Take(fromGallery).Order().Select(i => (ImageSetKind.Gallery, i));
        return [.. q, .. g];
    }

    private static void Picture(RunFolder folder, EvaluationSets data, EmbeddingMapData map, string method, string file)
    {
        var points = map.Points;
        var thumbnails = Enumerable.Range(0, points.Count).Where(i => i % Math.Max(1, points.Count / 24) == 0).Select(i =>
        {
            var set = SetOf(data, points[i].Set);
            return new MapThumbnail(i, new ImageBuffer(set.Pixels(points[i].Index), set.Size, set.Size, set.Channels));
        }).ToList();
        var picture = new EmbeddingMap(points.Select(p => p.X).ToArray(), points.Select(p => p.Y).ToArray(),
            points.Select(p => p.Label).ToArray(), data.ClassNames, points.Select(p => p.Sketch).ToArray(), thumbnails,
            $"Embeddings ({method}): {points.Count(p => p.Set == ImageSetKind.Query)} queries, {points.Count(p => p.Set == ImageSetKind.Gallery)} gallery items");
        EmbeddingMapPicture.Render(picture, Path.Combine(folder.Pictures, file));
    }
}
