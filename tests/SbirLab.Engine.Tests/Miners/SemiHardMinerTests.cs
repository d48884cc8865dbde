using SbirLab.Engine.Miners;
using static SbirLab.Engine.Tests.Losses.BatchReference;
using static TorchSharp.torch;

namespace SbirLab.Engine.Tests.Miners;

public class SemiHardMinerTests
{
    private const double Margin = 1.0;

    // 1-D points x = [0, 1, 0.5, 1.2, 1.3, 2], labels [0, 0, 1, 1, 1, 1].
    private static (Tensor Embeddings, Tensor Labels) Line() => (Points([0], [1], [0.5], [1.2], [1.3], [2]), Labels(0, 0, 1, 1, 1, 1));

    [Fact]
    public void ChoosesOnlyAmongSemiHardNegativesAndDropsPairsWithout()
    {
        using var scope = NewDisposeScope();
        var (embeddings, labels) = Line();
        var anchors = Mask(true, true, false, false, false, false);
        var chosen = new HashSet<long>();
        var miner = new SemiHardMiner(Margin, seed: 1);

        for (var draw = 0; draw < 50; draw++)
        {
            var triplets = miner.Mine(Distances(embeddings), labels, anchors).ToList();

            // Pair (0, 1): d(a,p) = 1; negatives d = 0.25 (hard), 1.44, 1.69 (semi-hard: 1 < d < 2), 4 (easy) → n ∈ {3, 4}.
            // Pair (1, 0): d(a,p) = 1; negatives d = 0.25, 0.04, 0.09, 1 (not strictly > 1) → none → dropped.
            var triplet = Assert.Single(triplets);
            Assert.Equal((0L, 1L), (triplet.Anchor, triplet.Positive));
            Assert.Contains(triplet.Negative, new long[] { 3, 4 });
            chosen.Add(triplet.Negative);
        }

        // Both semi-hard negatives come up: the choice is random, not the first or the nearest.
        Assert.Equal(2, chosen.Count);
    }

    [Fact]
    public void EveryTripletIsSemiHardAndEveryPairWithACandidateIsKept()
    {
        using var scope = NewDisposeScope();
        var (embeddings, labels) = RandomBatch();
        var rows = Rows(embeddings);
        var labelArray = LabelArray(labels);
        const double margin = 0.4;

        var triplets = new SemiHardMiner(margin, seed: 3).Mine(Distances(embeddings), labels).ToList();

        foreach (var (a, p, n) in triplets)
        {
            Assert.Equal(labelArray[a], labelArray[p]);
            Assert.NotEqual(labelArray[a], labelArray[n]);
            var positiveDistance = SquaredDistance(rows[a], rows[p]);
            var negativeDistance = SquaredDistance(rows[a], rows[n]);
            Assert.InRange(negativeDistance, positiveDistance, positiveDistance + margin);
        }

        var expectedPairs = SemiHardPairs(rows, labelArray, margin);
        Assert.True(expectedPairs.Count > 0);
        Assert.Equal(expectedPairs, triplets.Select(t => (t.Anchor, t.Positive)).ToList());
    }

    [Fact]
    public void SameSeedGivesSameTripletsAndAnotherSeedDiffers()
    {
        using var scope = NewDisposeScope();
        var (embeddings, labels) = RandomBatch();

        List<(long, long, long)> Mine(ulong seed)
        {
            using var generator = new Generator(seed, CPU);
            return [.. new SemiHardMiner(0.4, generator).Mine(Distances(embeddings), labels).ToList()];
        }

        Assert.Equal(Mine(42), Mine(42));
        Assert.NotEqual(Mine(42), Mine(43));
    }

    [Fact]
    public void RejectsNonPositiveMargin()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => new SemiHardMiner(0, seed: 1));
    }

    /// <summary>Ordered (a, p) pairs, in row-major order, that have at least one n with d(a,p) &lt; d(a,n) &lt; d(a,p) + α.</summary>
    private static List<(long, long)> SemiHardPairs(double[][] x, long[] labels, double margin)
    {
        var pairs = new List<(long, long)>();
        for (var a = 0; a < x.Length; a++)
        {
            for (var p = 0; p < x.Length; p++)
            {
                if (p == a || labels[p] != labels[a])
                {
                    continue;
                }

                var dp = SquaredDistance(x[a], x[p]);
                if (Enumerable.Range(0, x.Length).Any(n => labels[n] != labels[a] && SquaredDistance(x[a], x[n]) > dp && SquaredDistance(x[a], x[n]) < dp + margin))
                {
                    pairs.Add((a, p));
                }
            }
        }

        return pairs;
    }
}
