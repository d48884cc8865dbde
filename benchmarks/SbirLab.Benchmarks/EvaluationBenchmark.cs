using System.Diagnostics;
using SbirLab.Engine;
using SbirLab.Engine.Evaluation;
using SbirLab.Engine.Projection;
using TorchSharp;
using static TorchSharp.torch;

namespace SbirLab.Benchmarks;

/// <summary>
/// Times the vectorised retrieval evaluation (default 1,000 queries × 10,000 gallery × 64-D, 10 classes) against
/// a plain C# loop that computes the same mAP, and the embedding map's t-SNE (default options) on 150 points.
/// Arguments: [queries] [gallery] [dim], all optional.
/// </summary>
public static class EvaluationBenchmark
{
    public static void Run(string[] args)
    {
        var queryCount = args.Length > 0 ? int.Parse(args[0]) : 1_000;
        var galleryCount = args.Length > 1 ? int.Parse(args[1]) : 10_000;
        var dim = args.Length > 2 ? int.Parse(args[2]) : 64;
        var device = TorchRuntime.Device;
        Console.WriteLine($"Evaluation: {queryCount} queries × {galleryCount} gallery × {dim}-D on {TorchRuntime.Describe()}");

        var random = new Random(0);
        var queryLabels = Enumerable.Range(0, queryCount).Select(_ => (long)random.Next(10)).ToArray();
        var galleryLabels = Enumerable.Range(0, galleryCount).Select(_ => (long)random.Next(10)).ToArray();
        using var queries = Embeddings(queryLabels, dim, 1, device);
        using var gallery = Embeddings(galleryLabels, dim, 2, device);

        RetrievalEvaluator.Evaluate(queries, queryLabels, gallery, galleryLabels); // warm-up
        var watch = Stopwatch.StartNew();
        var report = RetrievalEvaluator.Evaluate(queries, queryLabels, gallery, galleryLabels);
        Console.WriteLine($"  RetrievalEvaluator.Evaluate (all figures): {watch.ElapsedMilliseconds} ms, mAP {report.MeanAveragePrecision:F6}");

        watch.Restart();
        var (indices, distances) = ExactSearch.TopK(queries, gallery, 10);
        indices.Dispose();
        distances.Dispose();
        Console.WriteLine($"  ExactSearch.TopK (k = 10):                 {watch.ElapsedMilliseconds} ms");

        var queryRows = Rows(queries);
        var galleryRows = Rows(gallery);
        watch.Restart();
        var bruteForceMap = BruteForceMap(queryRows, queryLabels, galleryRows, galleryLabels);
        Console.WriteLine($"  brute-force C# loops (mAP only):           {watch.ElapsedMilliseconds} ms, mAP {bruteForceMap:F6}");

        var blobs = Enumerable.Range(0, 150).Select(i => new[] { (i % 3) * 10f + Gaussian(random), Gaussian(random), Gaussian(random) }).ToArray();
        watch.Restart();
        Tsne.Project(blobs);
        Console.WriteLine($"  Tsne.Project (default options), 150 points in 3 blobs: {watch.ElapsedMilliseconds} ms");
    }

    private static float Gaussian(Random random) =>
        (float)(Math.Sqrt(-2 * Math.Log(1 - random.NextDouble())) * Math.Cos(2 * Math.PI * random.NextDouble()));

    /// <summary>L2-normalised embeddings that lean towards a per-class direction, so the mAP is neither 0 nor 1.</summary>
    private static Tensor Embeddings(long[] labels, int dim, int seed, Device device)
    {
        using var scope = NewDisposeScope();
        var centres = randn(10, dim, generator: new Generator(42));
        var noise = randn(labels.Length, dim, generator: new Generator((ulong)seed)) * 2;
        var points = centres.index_select(0, tensor(labels)) + noise;
        return nn.functional.normalize(points, p: 2, dim: 1).to(device).MoveToOuterDisposeScope();
    }

    private static float[][] Rows(Tensor embeddings)
    {
        var width = (int)embeddings.shape[1];
        var flat = embeddings.cpu().data<float>().ToArray();
        return Enumerable.Range(0, (int)embeddings.shape[0]).Select(r => flat.AsSpan(r * width, width).ToArray()).ToArray();
    }

    private static double BruteForceMap(float[][] queries, long[] queryLabels, float[][] gallery, long[] galleryLabels)
    {
        var total = 0.0;
        var counted = 0;
        var distances = new float[gallery.Length];
        var order = new int[gallery.Length];
        for (var q = 0; q < queries.Length; q++)
        {
            for (var g = 0; g < gallery.Length; g++)
            {
                var sum = 0f;
                for (var d = 0; d < queries[q].Length; d++)
                {
                    var diff = queries[q][d] - gallery[g][d];
                    sum += diff * diff;
                }

                distances[g] = sum;
                order[g] = g;
            }

            Array.Sort(order, (a, b) => distances[a] != distances[b] ? distances[a].CompareTo(distances[b]) : a.CompareTo(b));
            var found = 0;
            var precisionSum = 0.0;
            for (var k = 1; k <= order.Length; k++)
            {
                if (galleryLabels[order[k - 1]] == queryLabels[q])
                {
                    found++;
                    precisionSum += (double)found / k;
                }
            }

            if (found > 0)
            {
                total += precisionSum / found;
                counted++;
            }
        }

        return total / counted;
    }
}
