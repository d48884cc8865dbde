using System.Text.Json;
using SbirLab.Core.Runs;
using SbirLab.Engine.Datasets;
using SbirLab.Engine.Models;
using SbirLab.Engine.Projection;
using SbirLab.Engine.Reports;

namespace SbirLab.Engine.Training;

/// <summary>One point of an embedding map: where it came from and where t-SNE and PCA put it.</summary>
public sealed record MapPoint(string Set, int Index, long Label, string Domain, double TsneX, double TsneY, double PcaX, double PcaY);

/// <summary>The embedding map of a run as data, for the web lab to draw (with thumbnails on hover).</summary>
public sealed record EmbeddingMapFile(IReadOnlyList<string> ClassNames, double[] PcaExplainedVariance, IReadOnlyList<MapPoint> Points);

/// <summary>
/// A 2-D map of a run's query and gallery embeddings (both domains), by our own t-SNE and PCA: written
/// as embedding-map.json and as two pictures with thumbnails. Large sets are subsampled with the seed,
/// since exact t-SNE costs O(N²).
/// </summary>
public static class RunEmbeddingMap
{
    public const string FileName = "embedding-map.json";

    /// <summary>The map's pictures in the run's pictures folder.</summary>
    public const string TsnePicture = "embedding-map-tsne.png", PcaPicture = "embedding-map-pca.png";

    public static void Write(RunFolder folder, EvaluationSets data, float[][] queries, float[][] gallery, int maxPoints, int seed)
    {
        var chosen = Choose(queries.Length, gallery.Length, maxPoints, seed);
        if (chosen.Count < 5) return;
        var vectors = chosen.Select(c => c.Set == "query" ? queries[c.Index] : gallery[c.Index]).ToArray();
        var tsne = Tsne.Project(vectors, new TsneOptions { Seed = seed, Iterations = 750, Initialization = TsneInitialization.Pca });
        var pca = Pca.Project(vectors, 2);
        var points = chosen.Select((c, i) =>
        {
            var set = c.Set == "query" ? data.Queries : data.Gallery;
            return new MapPoint(c.Set, c.Index, set.Labels[c.Index], set.Domains[c.Index].ToString().ToLowerInvariant(),
                tsne[i][0], tsne[i][1], pca.Points[i][0], pca.Points[i][1]);
        }).ToList();
        var file = new EmbeddingMapFile(data.ClassNames, pca.ExplainedVarianceRatios, points);
        AtomicFile.WriteAllText(Path.Combine(folder.Root, FileName), JsonSerializer.Serialize(file, RunEvaluator.JsonOptions));
        Picture(folder, data, points, p => (p.TsneX, p.TsneY), "t-SNE", TsnePicture);
        Picture(folder, data, points, p => (p.PcaX, p.PcaY), "PCA", PcaPicture);
    }

    private static List<(string Set, int Index)> Choose(int queries, int gallery, int maxPoints, int seed)
    {
        var random = new Random(seed);
        int fromQueries = Math.Min(queries, maxPoints / 2);
        int fromGallery = Math.Min(gallery, maxPoints - fromQueries);
        var q = Enumerable.Range(0, queries).OrderBy(_ => random.Next()).Take(fromQueries).Order().Select(i => ("query", i));
        var g = Enumerable.Range(0, gallery).OrderBy(_ => random.Next()).Take(fromGallery).Order().Select(i => ("gallery", i));
        return [.. q, .. g];
    }

    private static void Picture(RunFolder folder, EvaluationSets data, List<MapPoint> points, Func<MapPoint, (double X, double Y)> at, string method, string file)
    {
        var xy = points.Select(at).ToArray();
        var thumbnails = Enumerable.Range(0, points.Count).Where(i => i % Math.Max(1, points.Count / 24) == 0).Select(i =>
        {
            var set = points[i].Set == "query" ? data.Queries : data.Gallery;
            return new MapThumbnail(i, new ImageBuffer(set.Pixels(points[i].Index), set.Size, set.Size, set.Channels));
        }).ToList();
        var map = new EmbeddingMap(xy.Select(p => p.X).ToArray(), xy.Select(p => p.Y).ToArray(),
            points.Select(p => (int)p.Label).ToArray(), data.ClassNames,
            points.Select(p => p.Domain == nameof(Domain.Sketch).ToLowerInvariant()).ToArray(), thumbnails,
            $"Embeddings ({method}): {points.Count(p => p.Set == "query")} queries, {points.Count(p => p.Set == "gallery")} gallery items");
        EmbeddingMapPicture.Render(map, Path.Combine(folder.Pictures, file));
    }
}
