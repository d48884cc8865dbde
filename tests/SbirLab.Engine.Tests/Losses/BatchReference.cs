using TorchSharp;
using static TorchSharp.torch;

namespace SbirLab.Engine.Tests.Losses;

/// <summary>
/// Brute-force loop references (in double precision, straight from the seed formulas) and test batches,
/// for comparison with the vectorised losses and miners.
/// </summary>
internal static class BatchReference
{
    public static Device TestDevice => TorchRuntime.Device;

    /// <summary>A batch of unit-norm embeddings [size, dims] with labels i mod classes, shuffled, from a fixed seed.</summary>
    public static (Tensor Embeddings, Tensor Labels) RandomBatch(int size = 24, int classes = 4, int dims = 8, ulong seed = 7)
    {
        using var generator = new Generator(seed, CPU);
        var embeddings = nn.functional.normalize(randn(size, dims, generator: generator), p: 2, dim: 1);
        var order = randperm(size, generator: generator);
        var labels = arange(size, dtype: ScalarType.Int64).remainder(classes).index_select(0, order);
        return (embeddings.to(TestDevice), labels.to(TestDevice));
    }

    public static Tensor Points(params double[][] rows) =>
        tensor(rows.SelectMany(r => r).Select(v => (float)v).ToArray(), [rows.Length, rows[0].Length]).to(TestDevice);

    /// <summary>The squared-distance matrix a miner takes, of embeddings [B, D].</summary>
    public static Tensor Distances(Tensor embeddings) => SbirLab.Engine.Miners.PairwiseDistances.SquaredEuclidean(embeddings, embeddings);

    public static Tensor Labels(params long[] labels) => tensor(labels).to(TestDevice);

    public static Tensor Mask(params bool[] mask) => tensor(mask).to(TestDevice);

    public static double[][] Rows(Tensor embeddings)
    {
        var cpu = embeddings.detach().cpu().to_type(ScalarType.Float64);
        var flat = cpu.data<double>().ToArray();
        var dims = (int)cpu.shape[1];
        return [.. Enumerable.Range(0, (int)cpu.shape[0]).Select(i => flat.Skip(i * dims).Take(dims).ToArray())];
    }

    public static long[] LabelArray(Tensor labels) => labels.cpu().data<long>().ToArray();

    public static double Scalar(Tensor t) => t.detach().cpu().to_type(ScalarType.Float64).item<double>();

    public static double SquaredDistance(double[] x, double[] y) => x.Zip(y, (a, b) => (a - b) * (a - b)).Sum();

    /// <summary>Seed 004's triplets: for each of the first k anchors every (p, n) with p ≠ a of its class and n of another.</summary>
    public static List<(long, long, long)> BatchAllTriplets(long[] labels, int anchorCount)
    {
        var triplets = new List<(long, long, long)>();
        for (var a = 0; a < Math.Min(anchorCount, labels.Length); a++)
        {
            for (var p = 0; p < labels.Length; p++)
            {
                for (var n = 0; n < labels.Length; n++)
                {
                    if (p != a && labels[p] == labels[a] && labels[n] != labels[a])
                    {
                        triplets.Add((a, p, n));
                    }
                }
            }
        }

        return triplets;
    }

    public static double TripletSum(double[][] x, IEnumerable<(long A, long P, long N)> triplets, double margin) =>
        triplets.Sum(t => Math.Max(SquaredDistance(x[t.A], x[t.P]) - SquaredDistance(x[t.A], x[t.N]) + margin, 0));

    /// <summary>Batch-hard triplets: farthest positive and nearest negative of every anchor that has both.</summary>
    public static List<(long, long, long)> HardTriplets(double[][] x, long[] labels)
    {
        var triplets = new List<(long, long, long)>();
        for (var a = 0; a < labels.Length; a++)
        {
            var others = Enumerable.Range(0, labels.Length).Where(i => i != a).ToList();
            var positives = others.Where(i => labels[i] == labels[a]).ToList();
            var negatives = others.Where(i => labels[i] != labels[a]).ToList();
            if (positives.Count > 0 && negatives.Count > 0)
            {
                triplets.Add((a, positives.MaxBy(p => SquaredDistance(x[a], x[p])), negatives.MinBy(n => SquaredDistance(x[a], x[n]))));
            }
        }

        return triplets;
    }

    /// <summary>Seed 004's l_Smooth-AP(a) for one anchor, with k_σ(p) summed over every x ≠ a (including p itself).</summary>
    public static double SmoothAp(double[][] x, long[] labels, int a, double tau)
    {
        double Sigmoid(double v) => 1 / (1 + Math.Exp(-v / tau));
        var others = Enumerable.Range(0, labels.Length).Where(i => i != a).ToList();
        var d = others.ToDictionary(i => i, i => SquaredDistance(x[a], x[i]));
        var loss = 0.0;
        foreach (var p in others.Where(i => labels[i] == labels[a]))
        {
            var numerator = others.Where(n => labels[n] != labels[a]).Sum(n => Sigmoid(d[p] - d[n]));
            var softRank = others.Sum(i => Sigmoid(d[p] - d[i]));
            loss += numerator / softRank;
        }

        return loss;
    }

    /// <summary>Seed 004's AP: rank every other item by distance; AP = Σ_k prec(k)·rel(k) / T.</summary>
    public static double AveragePrecision(double[][] x, long[] labels, int a)
    {
        var ranked = Enumerable.Range(0, labels.Length).Where(i => i != a).OrderBy(i => SquaredDistance(x[a], x[i])).ToList();
        var relevantTotal = ranked.Count(i => labels[i] == labels[a]);
        double hits = 0, sum = 0;
        for (var k = 0; k < ranked.Count; k++)
        {
            if (labels[ranked[k]] == labels[a])
            {
                hits++;
                sum += hits / (k + 1);
            }
        }

        return sum / relevantTotal;
    }

    /// <summary>
    /// Seed 004's pair form of 1 − AP with hard indicators: (1/|P|) Σ_p #{n: d_n &lt; d_p} / (k(p) − <paramref name="selfShift"/>),
    /// k(p) = #{x: d_x ≤ d_p} (p included). selfShift = 0 is the exact 1 − AP; ½ is the τ → 0 limit of the seed's k_σ.
    /// </summary>
    public static double HardApLoss(double[][] x, long[] labels, int a, double selfShift)
    {
        var others = Enumerable.Range(0, labels.Length).Where(i => i != a).ToList();
        var d = others.ToDictionary(i => i, i => SquaredDistance(x[a], x[i]));
        var positives = others.Where(i => labels[i] == labels[a]).ToList();
        var total = positives.Sum(p =>
            others.Count(n => labels[n] != labels[a] && d[n] < d[p]) / (others.Count(i => d[i] <= d[p]) - selfShift));
        return total / positives.Count;
    }

    /// <summary>Seed 002's contrastive loss summed over all pairs i &lt; j.</summary>
    public static double ContrastiveSum(double[][] x, long[] labels, double margin)
    {
        var sum = 0.0;
        for (var i = 0; i < x.Length; i++)
        {
            for (var j = i + 1; j < x.Length; j++)
            {
                var distance = Math.Sqrt(SquaredDistance(x[i], x[j]));
                sum += labels[i] == labels[j] ? 0.5 * distance * distance : 0.5 * Math.Pow(Math.Max(0, margin - distance), 2);
            }
        }

        return sum;
    }

    public static void AssertFiniteGradient(Tensor leaf)
    {
        Assert.NotNull(leaf.grad);
        Assert.True(leaf.grad!.isfinite().all().item<bool>(), "gradient has NaN or infinity");
    }
}
