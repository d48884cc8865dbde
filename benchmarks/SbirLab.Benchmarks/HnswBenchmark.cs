using System.Diagnostics;
using System.Numerics;
using SbirLab.Engine.Indexing;

namespace SbirLab.Benchmarks;

/// <summary>
/// HNSW against exact search on clustered 512-D unit vectors (100 Gaussian clusters, normalised — closer to real
/// embeddings than uniform noise). For each gallery size it prints the build time, and for exact search and HNSW at
/// ef ∈ {32, 64, 128}: recall@10 against exact search, mean single-threaded query time and the speed-up. Times are
/// given as wall clock and as process CPU time: on a shared machine the CPU time is the steadier figure, and the
/// speed-up is computed from it.
/// Arguments: <c>--million</c> adds N = 1,000,000 when memory allows; <c>--sizes 5000,20000</c> replaces the sizes;
/// <c>--queries 1000</c> sets the number of queries; <c>--threads 4</c> sets the build threads (default: all cores;
/// 1 gives the sequential, reproducible build). Queries always run on one thread.
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
        int threads = ParseInt(args, "--threads", Environment.ProcessorCount);
        var options = new HnswOptions();
        Console.WriteLine($"HNSW benchmark: D = {Dimension}, {Clusters} clusters, {queryCount} queries, k = {K}, M = {options.M}, " +
                          $"efConstruction = {options.EfConstruction}, build on {threads} of {Environment.ProcessorCount} cores, " +
                          $"SIMD width {Vector<float>.Count} floats");
        Console.WriteLine();
        Console.WriteLine($"{"",10} {"build s",15} {"",-6} {"",4} {"",9} {"query ms",15} {"speed-up",9}");
        Console.WriteLine($"{"N",10} {"wall",7} {"cpu",7} {"method",-6} {"ef",4} {"recall@10",9} {"wall",7} {"cpu",7} {"(cpu)",9}");
        Console.WriteLine(new string('-', 81));
        foreach (int size in sizes)
        {
            RunSize(size, queryCount, threads, options);
        }
    }

    private static void RunSize(int size, int queryCount, int threads, HnswOptions options)
    {
        var random = new Random(size);
        var centres = UnitGaussians(Clusters, random, centres: null);
        var data = UnitGaussians(size, random, centres);
        var queries = UnitGaussians(queryCount, random, centres);

        var exact = new ExactIndex(Dimension, options.Metric, size);
        exact.AddRange(data);
        var exactRun = TimeQueries(queries, q => exact.Search(q, K));

        var hnsw = new HnswIndex(Dimension, options);
        var build = Measure.Start();
        hnsw.AddRange(data, threads);
        var (buildWall, buildCpu) = build.Stop();

        Console.WriteLine($"{size,10:N0} {"",7} {"",7} {"exact",-6} {"-",4} {1.0,9:F3} {exactRun.WallMs,7:F3} {exactRun.CpuMs,7:F3} {1.0,8:F1}x");
        foreach (int ef in EfValues)
        {
            var run = TimeQueries(queries, q => hnsw.Search(q, K, ef));
            string wall = ef == EfValues[0] ? buildWall.TotalSeconds.ToString("F1") : "";
            string cpu = ef == EfValues[0] ? buildCpu.TotalSeconds.ToString("F1") : "";
            Console.WriteLine($"{"",10} {wall,7} {cpu,7} {"hnsw",-6} {ef,4} {Recall(exactRun.Results, run.Results),9:F3} " +
                              $"{run.WallMs,7:F3} {run.CpuMs,7:F3} {exactRun.CpuMs / run.CpuMs,8:F1}x");
        }

        Console.WriteLine();
    }

    private static (SearchHit[][] Results, double WallMs, double CpuMs) TimeQueries(float[][] queries, Func<float[], SearchHit[]> search)
    {
        var results = new SearchHit[queries.Length][];
        search(queries[0]);
        var clock = Measure.Start();
        for (int i = 0; i < queries.Length; i++)
        {
            results[i] = search(queries[i]);
        }

        var (wall, cpu) = clock.Stop();
        return (results, wall.TotalMilliseconds / queries.Length, cpu.TotalMilliseconds / queries.Length);
    }

    /// <summary>Wall-clock and whole-process CPU time since <see cref="Start"/>.</summary>
    private sealed class Measure
    {
        private readonly Stopwatch _wall = Stopwatch.StartNew();
        private readonly TimeSpan _cpuAtStart = Process.GetCurrentProcess().TotalProcessorTime;

        public static Measure Start() => new();

        public (TimeSpan Wall, TimeSpan Cpu) Stop() => (_wall.Elapsed, Process.GetCurrentProcess().TotalProcessorTime - _cpuAtStart);
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
