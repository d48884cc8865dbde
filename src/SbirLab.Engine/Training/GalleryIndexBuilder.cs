using System.Diagnostics;
using SbirLab.Core.Configs;
using SbirLab.Core.Runs;
using SbirLab.Engine.Indexing;

namespace SbirLab.Engine.Training;

/// <summary>How the saved gallery index compares with exact search on the run's own queries.</summary>
public sealed record GalleryIndexFigures(
    IndexKind DefaultIndex,
    int GallerySize,
    double HnswBuildSeconds,
    double HnswRecallAt10,
    double ExactMsPerQuery,
    double HnswMsPerQuery);

/// <summary>
/// Builds the HNSW index of a run's gallery embeddings when the run is evaluated, saves it with the run
/// (index/gallery.hnsw, which also holds the vectors for exact search) and measures its recall@10
/// against exact search and the query time of each (seed 003).
/// </summary>
public static class GalleryIndexBuilder
{
    public static string IndexPath(RunFolder folder) => Path.Combine(folder.Root, "index", "gallery.hnsw");

    public static GalleryIndexFigures Build(RunFolder folder, float[][] queries, float[][] gallery, IndexKind defaultIndex, int seed)
    {
        int dimension = gallery[0].Length;
        var watch = Stopwatch.StartNew();
        var hnsw = new HnswIndex(dimension, new HnswOptions { Seed = seed, EfSearch = 64 });
        hnsw.AddRange(gallery, Environment.ProcessorCount);
        double buildSeconds = watch.Elapsed.TotalSeconds;
        Directory.CreateDirectory(Path.GetDirectoryName(IndexPath(folder))!);
        hnsw.Save(IndexPath(folder));
        var exact = new ExactIndex(dimension);
        exact.AddRange(gallery);
        int k = Math.Min(10, gallery.Length);
        var (exactHits, exactMs) = SearchAll(exact, queries, k);
        var (hnswHits, hnswMs) = SearchAll(hnsw, queries, k);
        double recall = exactHits.Zip(hnswHits, (e, h) => e.Select(x => x.Id).Intersect(h.Select(x => x.Id)).Count() / (double)k).Average();
        return new GalleryIndexFigures(defaultIndex, gallery.Length, buildSeconds, recall, exactMs, hnswMs);
    }

    private static (SearchHit[][] Hits, double MsPerQuery) SearchAll(IVectorIndex index, float[][] queries, int k)
    {
        var watch = Stopwatch.StartNew();
        var hits = queries.Select(q => index.Search(q, k)).ToArray();
        return (hits, watch.Elapsed.TotalMilliseconds / Math.Max(1, queries.Length));
    }
}
