using SbirLab.Engine.Evaluation;

namespace SbirLab.Engine.Tests.Evaluation;

/// <summary>Seed 001's evaluation math against hand-worked cases.</summary>
public class OneShotTests
{
    [Fact]
    public void WilsonIntervalOfEightInTenAndOfNoneInTen()
    {
        // 8/10, z = 1.959964 (z² = 3.841459): centre 0.8 + z²/20 = 0.992073, spread z·√(0.016 + z²/400) = 0.313616,
        // scale 1 + z²/10 = 1.384146: (0.678457, 1.305689) / 1.384146 = [0.4902, 0.9433].
        var (low, high) = BinomialInterval.Wilson(8, 10);
        Assert.Equal(0.4902, low, 4);
        Assert.Equal(0.9433, high, 4);
        // 0/10: [0, 2·z²/20 / 1.384146] = [0, 0.2775]: not empty at p̂ = 0, unlike p̂ ± z·√(p̂(1−p̂)/n).
        var (zeroLow, zeroHigh) = BinomialInterval.Wilson(0, 10);
        Assert.Equal(0, zeroLow, 10);
        Assert.Equal(0.2775, zeroHigh, 4);
        Assert.Equal((0.0, 1.0), BinomialInterval.Wilson(0, 0));
    }

    [Fact]
    public void AccuracyOfKnownEpisodesPicksTheHighestScoreAndTheFirstOfEquals()
    {
        OneShotEpisode[] episodes =
        [
            new(Query: 10, Supports: [1, 2], Answer: 0),
            new(Query: 11, Supports: [3, 4], Answer: 1),
            new(Query: 12, Supports: [5, 6], Answer: 0),
            new(Query: 13, Supports: [7, 8], Answer: 1),
        ];
        // Chosen: 0 (right), 1 (right), 1 (wrong), 0 on a tie (wrong): 2 of 4.
        double[][] scores = [[0.9, 0.1], [0.2, 0.8], [0.3, 0.7], [0.5, 0.5]];

        var accuracy = OneShotEpisodes.Accuracy(2, episodes, scores);

        Assert.Equal(2, accuracy.Correct);
        Assert.Equal(0.5, accuracy.Accuracy);
        // 2/4: centre 0.5 + z²/8 = 0.980182, spread z·√(0.0625 + z²/64) = 0.686052, scale 1.960365: [0.1500, 0.8500].
        Assert.Equal(0.1500, accuracy.Low, 4);
        Assert.Equal(0.8500, accuracy.High, 4);
    }

    [Fact]
    public void AucOfAKnownRankingAndTheBestThreshold()
    {
        // Same pairs score 0.9, 0.7, 0.6; different ones 0.8, 0.5, 0.4. Of the 9 (same, different) pairs the same one
        // scores higher in 3 + 2 + 2 = 7: AUC 7/9. "Same" at ≥ 0.6 answers 3 same right and 2 of 3 different: 5/6.
        double[] scores = [0.9, 0.8, 0.7, 0.6, 0.5, 0.4];
        bool[] same = [true, false, true, true, false, false];

        var report = Verification.Evaluate(scores, same);

        Assert.Equal(7.0 / 9, report.Auc, 12);
        Assert.Equal(5.0 / 6, report.BestAccuracy, 12);
        Assert.Equal(0.6, report.BestThreshold);
        Assert.Equal([0, 0, 1 / 3.0, 1 / 3.0, 1 / 3.0, 2 / 3.0, 1], report.Roc.FalsePositiveRate);
        Assert.Equal([0, 1 / 3.0, 1 / 3.0, 2 / 3.0, 1, 1, 1], report.Roc.TruePositiveRate);
    }

    [Fact]
    public void TiedScoresCountHalf()
    {
        // One same pair tied with one different pair and above another: (½ + 1) / 2 = 0.75.
        Assert.Equal(0.75, Verification.Evaluate([1.0, 1.0, 0.0], [true, false, false]).Auc, 12);
        Assert.Equal(0.5, Verification.Evaluate([0.5, 0.5], [true, false]).Auc, 12);
        Assert.Throws<ArgumentException>(() => Verification.Evaluate([0.5, 0.4], [true, true]));
    }

    [Fact]
    public void EpisodesHoldNDistinctClassesOneSupportEachAndAQueryOfTheAnswersClassThatIsNotItsSupport()
    {
        long[] labels = [.. Enumerable.Range(0, 60).Select(i => (long)(i % 5))];

        var episodes = OneShotEpisodes.Draw(labels, ways: 4, count: 500, seed: 3);

        Assert.Equal(500, episodes.Length);
        foreach (var e in episodes)
        {
            Assert.Equal(4, e.Supports.Length);
            Assert.Equal(4, e.Supports.Select(s => labels[s]).Distinct().Count());
            Assert.Equal(labels[e.Supports[e.Answer]], labels[e.Query]);
            Assert.NotEqual(e.Supports[e.Answer], e.Query);
        }
        // Seeded: the same draw again; every answer position and every class is used.
        Assert.Equal(episodes.Select(e => (e.Query, e.Answer, string.Join(',', e.Supports))), OneShotEpisodes.Draw(labels, 4, 500, 3).Select(e => (e.Query, e.Answer, string.Join(',', e.Supports))));
        Assert.Equal(4, episodes.Select(e => e.Answer).Distinct().Count());
        Assert.Equal(5, episodes.Select(e => labels[e.Query]).Distinct().Count());
        Assert.Throws<ArgumentException>(() => OneShotEpisodes.Draw(labels, ways: 6, count: 1, seed: 3));
    }

    [Fact]
    public void VerificationPairsAreHalfSameOfDistinctImages()
    {
        long[] labels = [.. Enumerable.Range(0, 40).Select(i => (long)(i % 4))];

        var pairs = Verification.DrawPairs(labels, 101, seed: 5);

        Assert.Equal(50, pairs.Count(p => p.Same));
        Assert.All(pairs, p => Assert.Equal(p.Same, labels[p.First] == labels[p.Second]));
        Assert.All(pairs, p => Assert.NotEqual(p.First, p.Second));
    }
}
