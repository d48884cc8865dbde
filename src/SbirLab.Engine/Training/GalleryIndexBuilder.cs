using System.Diagnostics;
using SbirLab.Core.Configs;
using SbirLab.Core.Runs;
using SbirLab.Engine.Indexing;

namespace SbirLab.Engine.Training;

/// <summary>
/// How the saved gallery index compares with exact search on the run's own queries, and the top-5 hit rate read through
/// each (seed 003 reads it through HNSW: a query hits when one of the 5 photos the index returns has its class). The hit
/// rates are null in files written before they were measured.
/// </summary>
public sealed record GalleryIndexFigures(
    IndexKind DefaultIndex,
    int GallerySize,
    double HnswBuildSeconds,
    double HnswRecallAt10,
    double ExactMsPerQuery,
    double HnswMsPerQuery,
    double? HnswTop5Hit = null,
    double? ExactTop5Hit = null)
{
    /// <summary>The index's figures named as evaluation figures (the store keeps them with the run's summary).</summary>
    public Dictionary<string, double> Figures()
    {
        var figures = new Dictionary<string, double> { ["hnsw_recall@10"] = HnswRecallAt10 };
        if (HnswTop5Hit is { } hit) figures["top5_hit_hnsw"] = hit;
        return figures;
    }
}

/// <summary>The labels of a run's queries and gallery, and each query's own gallery entry to skip (seed 004's photo queries).</summary>
public sealed record IndexLabels(long[] Queries, long[] Gallery, long[]? QuerySelfIndex);

/// <summary>
/// Builds the HNSW index of a run's gallery embeddings when the run is evaluated, saves it with the run
/// (index/gallery.hnsw, which also holds the vectors for exact search) and measures its recall@10
/// against exact search and the query time of each (seed 003).
/// </summary>
public static class GalleryIndexBuilder
{
    public static string IndexPath(RunFolder folder) => Path.Combine(folder.Root, "index", "gallery.hnsw");

    public static GalleryIndexFigures Build(RunFolder folder, float[][] queries, float[][] gallery, IndexLabels labels, IndexKind defaultIndex, int seed)
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
        return new GalleryIndexFigures(defaultIndex, gallery.Length, buildSeconds, recall, exactMs, hnswMs,
            TopHitRate(hnsw, queries, labels, 5), TopHitRate(exact, queries, labels, 5));
    }

    /// <summary>
    /// Share of queries with a same-class item among the first <paramref name="k"/> the index returns, skipping the query's
    /// own gallery entry (seed 003's <c>any(query_label == retrieval_labels[:5])</c>).
    /// </summary>
    public static double TopHitRate(IVectorIndex index, float[][] queries, IndexLabels labels, int k)
    {
        ArgumentNullException.ThrowIfNull(index);
        ArgumentNullException.ThrowIfNull(labels);
        if (queries.Length == 0) return 0;
        int wanted = Math.Min(k + (labels.QuerySelfIndex is null ? 0 : 1), labels.Gallery.Length);
        int hits = 0;
        for (int q = 0; q < queries.Length; q++)
        {
            long self = labels.QuerySelfIndex?[q] ?? -1;
            var found = index.Search(queries[q], wanted).Where(h => h.Id != self).Take(k);
            if (found.Any(h => labels.Gallery[h.Id] == labels.Queries[q])) hits++;
        }
        return hits / (double)queries.Length;
    }

    private static (SearchHit[][] Hits, double MsPerQuery) SearchAll(IVectorIndex index, float[][] queries, int k)
    {
        var watch = Stopwatch.StartNew();
        var hits = queries.Select(q => index.Search(q, k)).ToArray();
        return (hits, watch.Elapsed.TotalMilliseconds / Math.Max(1, queries.Length));
    }
}
