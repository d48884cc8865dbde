namespace SbirLab.Engine.Tests.Evaluation;

/// <summary>
/// The retrieval metrics written the plain way — loops over double arrays, straight from their definitions —
/// as the reference the vectorised evaluator is checked against.
/// </summary>
internal static class BruteForceRetrieval
{
    /// <summary>The figures of a report, computed by loops.</summary>
    public sealed record Figures(
        double Map, double MapAtR, double RPrecision, double?[] PerQueryAp, double[] PrecisionAtK, double[] HitAtK,
        double[] RankPrecision, double[] RankRecall, double[] InterpolatedPrecision, int Skipped, int ListLength);

    public static double SquaredDistance(double[] a, double[] b)
    {
        var sum = 0.0;
        for (var i = 0; i < a.Length; i++)
        {
            sum += (a[i] - b[i]) * (a[i] - b[i]);
        }

        return sum;
    }

    /// <summary>Gallery indices by increasing distance, ties by index, without the excluded one.</summary>
    public static int[] Ranking(double[] query, double[][] gallery, long excluded)
    {
        var candidates = new List<(double Distance, int Index)>();
        for (var g = 0; g < gallery.Length; g++)
        {
            if (g != excluded)
            {
                candidates.Add((SquaredDistance(query, gallery[g]), g));
            }
        }

        candidates.Sort((x, y) => x.Distance != y.Distance ? x.Distance.CompareTo(y.Distance) : x.Index.CompareTo(y.Index));
        return candidates.Select(c => c.Index).ToArray();
    }

    /// <summary>found[k] = number of relevant items among the first k ranks (found[0] = 0).</summary>
    public static int[] RelevantSoFar(bool[] relevant)
    {
        var found = new int[relevant.Length + 1];
        for (var k = 1; k <= relevant.Length; k++)
        {
            found[k] = found[k - 1] + (relevant[k - 1] ? 1 : 0);
        }

        return found;
    }

    /// <summary>AP = Σₖ prec(k)·rel(k) / T over the first <paramref name="lastRank"/> ranks (all of them for AP, R for mAP@R).</summary>
    public static double SumOfPrecisionAtRelevant(bool[] relevant, int[] found, int lastRank, int total)
    {
        var sum = 0.0;
        for (var k = 1; k <= lastRank; k++)
        {
            sum += relevant[k - 1] ? (double)found[k] / k : 0;
        }

        return sum / total;
    }

    /// <summary>max prec(k) over ranks k whose recall reaches level/(levels − 1), decided exactly in integers.</summary>
    public static double InterpolatedPrecision(int[] found, int total, int level, int levels)
    {
        var best = 0.0;
        for (var k = 1; k < found.Length; k++)
        {
            if ((long)found[k] * (levels - 1) >= (long)level * total)
            {
                best = Math.Max(best, (double)found[k] / k);
            }
        }

        return best;
    }

    public static Figures Evaluate(
        double[][] queries, long[] queryLabels, double[][] gallery, long[] galleryLabels, long[]? selfIndex,
        int[] precisionKs, int[] hitKs, int[] curveRanks, int levels)
    {
        var listLength = selfIndex is not null && selfIndex.Any(s => s >= 0) ? gallery.Length - 1 : gallery.Length;
        var sums = new double[3 + precisionKs.Length + hitKs.Length + (2 * curveRanks.Length) + levels];
        var perQueryAp = new double?[queries.Length];
        var evaluated = 0;
        for (var q = 0; q < queries.Length; q++)
        {
            var ranking = Ranking(queries[q], gallery, selfIndex?[q] ?? -1);
            var relevant = ranking.Select(g => galleryLabels[g] == queryLabels[q]).ToArray();
            var found = RelevantSoFar(relevant);
            var total = found[^1];
            if (total == 0)
            {
                continue;
            }

            evaluated++;
            var row = new List<double>
            {
                SumOfPrecisionAtRelevant(relevant, found, relevant.Length, total),
                SumOfPrecisionAtRelevant(relevant, found, total, total),
                (double)found[total] / total,
            };
            row.AddRange(precisionKs.Select(k => (double)found[k] / k));
            row.AddRange(hitKs.Select(k => found[k] > 0 ? 1.0 : 0.0));
            row.AddRange(curveRanks.Select(k => (double)found[k] / k));
            row.AddRange(curveRanks.Select(k => (double)found[k] / total));
            row.AddRange(Enumerable.Range(0, levels).Select(i => InterpolatedPrecision(found, total, i, levels)));
            perQueryAp[q] = row[0];
            for (var c = 0; c < sums.Length; c++)
            {
                sums[c] += row[c];
            }
        }

        var means = sums.Select(s => s / evaluated).ToArray();
        var at = 3;
        double[] Take(int count)
        {
            var slice = means.Skip(at).Take(count).ToArray();
            at += count;
            return slice;
        }

        return new Figures(
            means[0], means[1], means[2], perQueryAp, Take(precisionKs.Length), Take(hitKs.Length),
            Take(curveRanks.Length), Take(curveRanks.Length), Take(levels), queries.Length - evaluated, listLength);
    }
}
