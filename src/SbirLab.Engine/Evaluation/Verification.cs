namespace SbirLab.Engine.Evaluation;

/// <summary>A pair of pool images and whether they share a class.</summary>
public readonly record struct VerificationPair(int First, int Second, bool Same);

/// <summary>
/// The ROC curve of a same / different score: at each threshold t (the distinct scores, highest first; first
/// double.MaxValue, above every score, since JSON has no infinity), "same" is
/// answered for scores ≥ t; the curve runs from (0, 0) (nothing answered same) to (1, 1).
/// </summary>
public sealed record RocCurve(double[] FalsePositiveRate, double[] TruePositiveRate, double[] Thresholds);

/// <summary>
/// Same / different verification of held-out pairs: the ROC curve, its area (AUC: the chance that a random same pair
/// scores above a random different one, ties counting ½), and the accuracy of the best single threshold.
/// </summary>
public sealed record VerificationReport(int Pairs, int SamePairs, double Auc, double BestThreshold, double BestAccuracy, RocCurve Roc);

/// <summary>Draws verification pairs and measures a score on them.</summary>
public static class Verification
{
    /// <summary>
    /// <paramref name="count"/> pairs of distinct images, the first half (rounded down) same-class and the rest of two
    /// different classes, each drawn uniformly; seeded like the one-shot episodes.
    /// </summary>
    public static VerificationPair[] DrawPairs(IReadOnlyList<long> labels, int count, int seed)
    {
        ArgumentNullException.ThrowIfNull(labels);
        var byClass = Enumerable.Range(0, labels.Count).GroupBy(i => labels[i]).OrderBy(g => g.Key).Select(g => g.ToArray()).ToArray();
        var pairable = byClass.Where(c => c.Length >= 2).ToArray();
        if (byClass.Length < 2 || pairable.Length == 0)
            throw new ArgumentException("Verification pairs need two classes and one class of two images.", nameof(labels));
        var random = new Random(StableSeed.Derive(seed, 0x7e51f1));
        var pairs = new VerificationPair[count];
        for (int i = 0; i < count; i++)
        {
            if (i < count / 2)
            {
                var members = pairable[random.Next(pairable.Length)];
                int a = random.Next(members.Length), b = random.Next(members.Length - 1);
                pairs[i] = new VerificationPair(members[a], members[b >= a ? b + 1 : b], true);
            }
            else
            {
                int c1 = random.Next(byClass.Length), c2 = random.Next(byClass.Length - 1);
                if (c2 >= c1) c2++;
                pairs[i] = new VerificationPair(byClass[c1][random.Next(byClass[c1].Length)], byClass[c2][random.Next(byClass[c2].Length)], false);
            }
        }
        return pairs;
    }

    /// <summary>Measures <paramref name="scores"/> (higher = more alike) of pairs whose truth is <paramref name="same"/>.</summary>
    /// <exception cref="ArgumentException">Lengths differ, or the pairs lack a same or a different one (no ROC then).</exception>
    public static VerificationReport Evaluate(IReadOnlyList<double> scores, IReadOnlyList<bool> same)
    {
        ArgumentNullException.ThrowIfNull(scores);
        ArgumentNullException.ThrowIfNull(same);
        if (scores.Count != same.Count) throw new ArgumentException($"{scores.Count} scores but {same.Count} truths.", nameof(same));
        int positives = same.Count(s => s), negatives = same.Count - positives;
        if (positives == 0 || negatives == 0) throw new ArgumentException("Verification needs same and different pairs.", nameof(same));
        var order = Enumerable.Range(0, scores.Count).OrderByDescending(i => scores[i]).ToArray();
        var fpr = new List<double> { 0 };
        var tpr = new List<double> { 0 };
        var thresholds = new List<double> { double.MaxValue };
        int tp = 0, fp = 0;
        double auc = 0, bestAccuracy = (double)negatives / same.Count, bestThreshold = double.MaxValue;
        for (int k = 0; k < order.Length;)
        {
            double threshold = scores[order[k]];
            int previousTp = tp, previousFp = fp;
            for (; k < order.Length && scores[order[k]] == threshold; k++)
            {
                if (same[order[k]]) tp++;
                else fp++;
            }
            // Trapezoid over the step: a block of tied scores adds half of its same pairs' share to each different pair it ties with.
            auc += (fp - previousFp) / (double)negatives * (tp + previousTp) / 2.0 / positives;
            fpr.Add((double)fp / negatives);
            tpr.Add((double)tp / positives);
            thresholds.Add(threshold);
            double accuracy = (tp + (negatives - fp)) / (double)same.Count;
            if (accuracy > bestAccuracy) (bestAccuracy, bestThreshold) = (accuracy, threshold);
        }
        return new VerificationReport(same.Count, positives, auc, bestThreshold, bestAccuracy,
            new RocCurve([.. fpr], [.. tpr], [.. thresholds]));
    }
}
