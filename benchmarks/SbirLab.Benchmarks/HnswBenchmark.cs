using System.Diagnostics;
using System.Numerics;
using SbirLab.Engine.Indexing;

namespace SbirLab.Benchmarks;

/// <summary>
/// HNSW against exact search on clustered 512-D unit vectors (100 Gaussian clusters, normalised — closer to real
/// embeddings than uniform noise). For each gallery size it prints the build time, and for exact search and HNSW at
/// ef ∈ {32, 64, 128}: recall@10 against exact search, mean single-threaded query time and the speed-up.
/// Arguments: <c>--million</c> adds N = 1,000,000 when memory allows; <c>--sizes 5000,20000</c> replaces the sizes;
/// <c>--queries 1000</c> sets the number of queries.
/// </summary>
public static class HnswBenchmark
{
    private const int Dimension = 512;
    private const int Clusters = 100;
    private const int K = 10;
    private const double ClusterSpread = 0.6;
    private static readonly int[] EfValues = [32, 64, 128];

    /// <summary>Runs the benchmark and prints the table to the console.</summary>
    public static void Run(string[] args)
    {
        var sizes = ParseSizes(args);
        int queryCount = ParseInt(args, "--queries", 1000);
        var options = new HnswOptions();
        Console.WriteLine($"HNSW benchmark: D = {Dimension}, {Clusters} clusters, {queryCount} queries, k = {K}, M = {options.M}, " +
                          $"efConstruction = {options.EfConstruction}, {Environment.ProcessorCount} cores, SIMD width {Vector<float>.Count} floats");
        Console.WriteLine();
        Console.WriteLine($"{"N",10} {"build s",9} {"method",-7} {"ef",5} {"recall@10",10} {"mean query ms",14} {"speed-up",9}");
        Console.WriteLine(new string('-', 70));
        foreach (int size in sizes)
        {
            RunSize(size, queryCount, options);
        }
    }

    private static void RunSize(int size, int queryCount, HnswOptions options)
    {
        var random = new Random(size);
        var centres = UnitGaussians(Clusters, random, centres: null);
        var data = UnitGaussians(size, random, centres);
        var queries = UnitGaussians(queryCount, random, centres);

        var exact = new ExactIndex(Dimension, options.Metric, size);
        exact.AddRange(data);
        var (truth, exactMs) = TimeQueries(queries, q => exact.Search(q, K));

        var hnsw = new HnswIndex(Dimension, options);
        var build = Stopwatch.StartNew();
        hnsw.AddRange(data);
        double buildSeconds = build.Elapsed.TotalSeconds;

        Console.WriteLine($"{size,10:N0} {"",9} {"exact",-7} {"-",5} {1.0,10:F3} {exactMs,14:F3} {1.0,8:F1}x");
        foreach (int ef in EfValues)
        {
            var (found, hnswMs) = TimeQueries(queries, q => hnsw.Search(q, K, ef));
            string buildColumn = ef == EfValues[0] ? buildSeconds.ToString("F1") : "";
            Console.WriteLine($"{"",10} {buildColumn,9} {"hnsw",-7} {ef,5} {Recall(truth, found),10:F3} {hnswMs,14:F3} {exactMs / hnswMs,8:F1}x");
        }

        Console.WriteLine();
    }

    private static (SearchHit[][] Results, double MeanMilliseconds) TimeQueries(float[][] queries, Func<float[], SearchHit[]> search)
    {
        var results = new SearchHit[queries.Length][];
        search(queries[0]);
        var clock = Stopwatch.StartNew();
        for (int i = 0; i < queries.Length; i++)
        {
            results[i] = search(queries[i]);
        }

        return (results, clock.Elapsed.TotalMilliseconds / queries.Length);
    }

    private static double Recall(SearchHit[][] truth, SearchHit[][] found)
    {
        double total = 0;
        for (int i = 0; i < truth.Length; i++)
        {
            var relevant = truth[i].Select(h => h.Id).ToHashSet();
            total += found[i].Count(h => relevant.Contains(h.Id)) / (double)K;
        }

        return total / truth.Length;
    }

    /// <summary>
    /// Unit vectors: plain Gaussian directions when <paramref name="centres"/> is null, otherwise a random centre plus
    /// Gaussian noise of total norm ≈ <see cref="ClusterSpread"/>, normalised.
    /// </summary>
    private static float[][] UnitGaussians(int count, Random random, float[][]? centres)
    {
        var picks = Enumerable.Range(0, count).Select(_ => (Centre: centres?[random.Next(centres.Length)], Seed: random.Next())).ToArray();
        var vectors = new float[count][];
        Parallel.For(0, count, i =>
        {
            var local = new Random(picks[i].Seed);
            double scale = picks[i].Centre is null ? 1.0 : ClusterSpread / Math.Sqrt(Dimension);
            var vector = new float[Dimension];
            for (int d = 0; d < Dimension; d++)
            {
                vector[d] = (picks[i].Centre?[d] ?? 0f) + (float)(scale * StandardNormal(local));
            }

            float norm = MathF.Sqrt(VectorDistance.Dot(vector, vector));
            for (int d = 0; d < Dimension; d++)
            {
                vector[d] /= norm;
            }

            vectors[i] = vector;
        });
        return vectors;
    }

    private static double StandardNormal(Random random) =>
        Math.Sqrt(-2.0 * Math.Log(1.0 - random.NextDouble())) * Math.Cos(2.0 * Math.PI * random.NextDouble());

    private static List<int> ParseSizes(string[] args)
    {
        int at = Array.IndexOf(args, "--sizes");
        var sizes = at >= 0 && at + 1 < args.Length
            ? args[at + 1].Split(',').Select(s => int.Parse(s.Replace("_", ""))).ToList()
            : [10_000, 100_000];
        if (args.Contains("--million"))
        {
            // Data, exact copy and HNSW copy of 1M × 512 floats are 2 GB each; ask for 8 GB to be safe.
            long available = GC.GetGCMemoryInfo().TotalAvailableMemoryBytes;
            if (available >= 8L << 30)
            {
                sizes.Add(1_000_000);
            }
            else
            {
                Console.WriteLine($"Skipping N = 1,000,000: {available >> 30} GB available, 8 GB needed.");
            }
        }

        return sizes;
    }

    private static int ParseInt(string[] args, string name, int fallback)
    {
        int at = Array.IndexOf(args, name);
        return at >= 0 && at + 1 < args.Length ? int.Parse(args[at + 1]) : fallback;
    }
}
