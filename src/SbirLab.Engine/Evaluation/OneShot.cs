namespace SbirLab.Engine.Evaluation;

/// <summary>
/// One N-way one-shot episode (seed 001, Koch et al. §4): a query image and one support image of each of N classes,
/// the query's class among them. Indices are into the evaluation pool.
/// </summary>
/// <param name="Query">The query image.</param>
/// <param name="Supports">One image of each of the episode's N classes.</param>
/// <param name="Answer">The position in <paramref name="Supports"/> of the query's class.</param>
public sealed record OneShotEpisode(int Query, int[] Supports, int Answer);

/// <summary>Accuracy of one N over its episodes, with its 95 % Wilson score interval.</summary>
public sealed record WayAccuracy(int Ways, int Episodes, int Correct, double Accuracy, double Low, double High);

/// <summary>Draws seeded one-shot episodes and scores answers to them.</summary>
public static class OneShotEpisodes
{
    /// <summary>
    /// <paramref name="count"/> episodes of <paramref name="ways"/> classes each: the classes drawn without replacement
    /// among those with two or more images, one support image of each, the query class uniform among them and the query
    /// another image of that class than its support. The same labels, N, count and seed give the same episodes.
    /// </summary>
    /// <exception cref="ArgumentException">Fewer than <paramref name="ways"/> classes have two images.</exception>
    public static OneShotEpisode[] Draw(IReadOnlyList<long> labels, int ways, int count, int seed)
    {
        ArgumentNullException.ThrowIfNull(labels);
        ArgumentOutOfRangeException.ThrowIfLessThan(ways, 2);
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        var byClass = Enumerable.Range(0, labels.Count).GroupBy(i => labels[i])
            .Where(g => g.Count() >= 2).OrderBy(g => g.Key).Select(g => g.ToArray()).ToArray();
        if (byClass.Length < ways)
            throw new ArgumentException($"{ways}-way episodes need {ways} classes of two or more images; the pool has {byClass.Length}.", nameof(ways));
        var random = new Random(StableSeed.Derive(seed, ways, 0x0e5407));
        var episodes = new OneShotEpisode[count];
        for (int e = 0; e < count; e++)
        {
            var classes = Enumerable.Range(0, byClass.Length).ToArray();
            random.Shuffle(classes);
            int answer = random.Next(ways);
            var supports = new int[ways];
            int query = -1;
            for (int w = 0; w < ways; w++)
            {
                var members = byClass[classes[w]];
                int support = random.Next(members.Length);
                supports[w] = members[support];
                if (w == answer)
                {
                    int other = random.Next(members.Length - 1);
                    query = members[other >= support ? other + 1 : other];
                }
            }
            episodes[e] = new OneShotEpisode(query, supports, answer);
        }
        return episodes;
    }

    /// <summary>The support an episode's scores pick: the highest score (higher = more alike), the first of equals.</summary>
    public static int Choose(IReadOnlyList<double> scores)
    {
        ArgumentNullException.ThrowIfNull(scores);
        if (scores.Count == 0) throw new ArgumentException("An episode has at least two supports.", nameof(scores));
        int best = 0;
        for (int i = 1; i < scores.Count; i++)
            if (scores[i] > scores[best]) best = i;
        return best;
    }

    /// <summary>The share of episodes whose chosen support is the answer, with its 95 % interval.</summary>
    public static WayAccuracy Accuracy(int ways, IReadOnlyList<OneShotEpisode> episodes, IReadOnlyList<double[]> scores)
    {
        ArgumentNullException.ThrowIfNull(episodes);
        ArgumentNullException.ThrowIfNull(scores);
        if (episodes.Count != scores.Count) throw new ArgumentException($"{episodes.Count} episodes but {scores.Count} score rows.", nameof(scores));
        int correct = episodes.Where((episode, i) => Choose(scores[i]) == episode.Answer).Count();
        var (low, high) = BinomialInterval.Wilson(correct, episodes.Count);
        return new WayAccuracy(ways, episodes.Count, correct, episodes.Count == 0 ? 0 : (double)correct / episodes.Count, low, high);
    }
}

/// <summary>Confidence intervals of a proportion.</summary>
public static class BinomialInterval
{
    /// <summary>z of a two-sided 95 % interval (the 0.975 quantile of the standard normal).</summary>
    public const double Z95 = 1.959963984540054;

    /// <summary>
    /// Wilson's score interval of <paramref name="successes"/> out of <paramref name="trials"/>:
    /// (p̂ + z²/2n ± z·√(p̂(1−p̂)/n + z²/4n²)) / (1 + z²/n). Unlike p̂ ± z·√(p̂(1−p̂)/n) it stays inside [0, 1] and is not
    /// empty at p̂ = 0 or 1. (0, 1) for no trials.
    /// </summary>
    public static (double Low, double High) Wilson(int successes, int trials, double z = Z95)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(trials);
        ArgumentOutOfRangeException.ThrowIfNegative(successes);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(successes, trials);
        if (trials == 0) return (0, 1);
        double n = trials, p = successes / n, z2 = z * z;
        double centre = p + z2 / (2 * n);
        double spread = z * Math.Sqrt(p * (1 - p) / n + z2 / (4 * n * n));
        double scale = 1 + z2 / n;
        return (Math.Max(0, (centre - spread) / scale), Math.Min(1, (centre + spread) / scale));
    }
}
