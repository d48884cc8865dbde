using SbirLab.Engine.Miners;
using static SbirLab.Engine.Tests.Losses.BatchReference;
using static TorchSharp.torch;

namespace SbirLab.Engine.Tests.Miners;

public class HardMinerTests
{
    [Fact]
    public void PicksFarthestPositiveAndNearestNegative()
    {
        using var scope = NewDisposeScope();

        // 1-D points x = [0, 1, 3.2, 0.4, 2, 10], labels [0, 0, 0, 1, 1, 2].
        var embeddings = Points([0], [1], [3.2], [0.4], [2], [10]);
        var labels = Labels(0, 0, 0, 1, 1, 2);

        var triplets = new HardMiner().Mine(Distances(embeddings), labels).ToList();

        // a0: positives d(1)=1, d(2)=10.24 → 2; negatives d(3)=0.16, d(4)=4, d(5)=100 → 3.
        // a1: positives d(0)=1, d(2)=4.84 → 2; negatives d(3)=0.36, d(4)=1, d(5)=81 → 3.
        // a2: positives d(0)=10.24, d(1)=4.84 → 0; negatives d(3)=7.84, d(4)=1.44, d(5)=46.24 → 4.
        // a3: positive 4 (2.56); negatives d(0)=0.16, d(1)=0.36, d(2)=7.84, d(5)=92.16 → 0.
        // a4: positive 3 (2.56); negatives d(0)=4, d(1)=1, d(2)=1.44, d(5)=64 → 1.
        // a5: no positive (only item of class 2) → skipped.
        (long, long, long)[] expected = [(0, 2, 3), (1, 2, 3), (2, 0, 4), (3, 4, 0), (4, 3, 1)];
        Assert.Equal(expected, triplets);
    }

    [Fact]
    public void CrossDomainMasksRestrictAnchorsAndCandidates()
    {
        using var scope = NewDisposeScope();
        var embeddings = Points([0], [1], [3.2], [0.4], [2], [10]);
        var labels = Labels(0, 0, 0, 1, 1, 2);

        // Anchors {0, 3}; candidates {1, 2, 4, 5}.
        var triplets = new HardMiner().Mine(Distances(embeddings), labels, Mask(true, false, false, true, false, false), Mask(false, true, true, false, true, true)).ToList();

        // a0: positives {1: 1, 2: 10.24} → 2; negatives {4: 4, 5: 100} → 4.
        // a3: positive {4: 2.56}; negatives {1: 0.36, 2: 7.84, 5: 92.16} → 1.
        (long, long, long)[] expected = [(0, 2, 4), (3, 4, 1)];
        Assert.Equal(expected, triplets);
    }

    [Fact]
    public void MatchesBruteForceOnRandomBatch()
    {
        using var scope = NewDisposeScope();
        var (embeddings, labels) = RandomBatch();

        var triplets = new HardMiner().Mine(Distances(embeddings), labels).ToList();

        Assert.Equal(HardTriplets(Rows(embeddings), LabelArray(labels)), triplets);
    }
}
