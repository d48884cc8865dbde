using SbirLab.Engine.Miners;
using static SbirLab.Engine.Tests.Losses.BatchReference;
using static TorchSharp.torch;

namespace SbirLab.Engine.Tests.Miners;

public class BatchAllMinerTests
{
    // Labels of the tiny batch: items 0, 1, 3 are class 0; items 2, 4 are class 1.
    private static readonly long[] TinyLabels = [0, 0, 1, 0, 1];

    private static TripletIndices MineTiny(TripletMiner miner, Tensor? anchorMask = null, Tensor? candidateMask = null)
    {
        var labels = Labels(TinyLabels);
        return miner.Mine(zeros(5, 5, device: TestDevice), labels, anchorMask, candidateMask);
    }

    [Fact]
    public void FirstTwoAnchorsGetEveryValidPositiveNegativePair()
    {
        using var scope = NewDisposeScope();

        var triplets = MineTiny(new BatchAllMiner(anchorCount: 2)).ToList();

        // Anchor 0: positives {1, 3}, negatives {2, 4}; anchor 1: positives {0, 3}, negatives {2, 4}.
        (long, long, long)[] expected =
        [
            (0, 1, 2), (0, 1, 4), (0, 3, 2), (0, 3, 4),
            (1, 0, 2), (1, 0, 4), (1, 3, 2), (1, 3, 4),
        ];
        Assert.Equal(expected, triplets);
    }

    [Fact]
    public void AnchorCountAboveBatchSizeUsesEveryItem()
    {
        using var scope = NewDisposeScope();

        var triplets = MineTiny(new BatchAllMiner(anchorCount: 10));

        // k = min(10, 5) = 5. Per anchor |P|·|N|: a0 2·2, a1 2·2, a2 1·3, a3 2·2, a4 1·3 → 4+4+3+4+3 = 18.
        Assert.Equal(18, triplets.Count);
        Assert.Equal(BatchAllTriplets(TinyLabels, 10), triplets.ToList());
    }

    [Fact]
    public void CrossDomainMasksKeepSketchAnchorsAndPhotoCandidates()
    {
        using var scope = NewDisposeScope();
        var sketches = Mask(true, false, false, true, false);
        var photos = Mask(false, true, true, false, true);

        var triplets = MineTiny(new BatchAllMiner(anchorCount: 10), sketches, photos).ToList();

        // Photos: 1 (class 0), 2 (class 1), 4 (class 1).
        // Sketch 0 (class 0): photo positive {1}, photo negatives {2, 4}.
        // Sketch 3 (class 0): photo positive {1}, photo negatives {2, 4}. Sketch 0 is never sketch 3's positive.
        (long, long, long)[] expected = [(0, 1, 2), (0, 1, 4), (3, 1, 2), (3, 1, 4)];
        Assert.Equal(expected, triplets);
    }

    [Fact]
    public void AnchorCountCountsOnlyAllowedAnchors()
    {
        using var scope = NewDisposeScope();
        var sketches = Mask(false, true, false, true, false);

        var triplets = MineTiny(new BatchAllMiner(anchorCount: 1), sketches).ToList();

        // The first allowed anchor is item 1 (class 0): positives {0, 3}, negatives {2, 4}.
        (long, long, long)[] expected = [(1, 0, 2), (1, 0, 4), (1, 3, 2), (1, 3, 4)];
        Assert.Equal(expected, triplets);
    }

    [Fact]
    public void MatchesBruteForceOnRandomBatch()
    {
        using var scope = NewDisposeScope();
        var (embeddings, labels) = RandomBatch();

        var batchAll = new BatchAllMiner(10).Mine(Distances(embeddings), labels).ToList();
        var all = BatchAllMiner.AllAnchors().Mine(Distances(embeddings), labels).ToList();

        // 24 items, 4 classes of 6: each anchor has 5 positives and 18 negatives → 90 triplets per anchor.
        Assert.Equal(10 * 90, batchAll.Count);
        Assert.Equal(BatchAllTriplets(LabelArray(labels), 10), batchAll);
        Assert.Equal(24 * 90, all.Count);
        Assert.Equal(BatchAllTriplets(LabelArray(labels), 24), all);
    }

    [Fact]
    public void SingleClassBatchHasNoTriplets()
    {
        using var scope = NewDisposeScope();

        var triplets = new BatchAllMiner(10).Mine(zeros(3, 3, device: TestDevice), Labels(2, 2, 2));

        Assert.Equal(0, triplets.Count);
    }

    [Fact]
    public void RejectsMaskOfWrongShapeOrType()
    {
        using var scope = NewDisposeScope();
        var miner = new BatchAllMiner(2);
        var labels = Labels(TinyLabels);
        var distances = zeros(5, 5, device: TestDevice);

        Assert.Throws<ArgumentException>(() => miner.Mine(distances, labels, Mask(true, false)));
        Assert.Throws<ArgumentException>(() => miner.Mine(distances, labels, null, ones(5, device: TestDevice)));
        Assert.Throws<ArgumentException>(() => miner.Mine(zeros(4, 4, device: TestDevice), labels));
    }
}
