using SbirLab.Engine.Miners;
using static SbirLab.Engine.Tests.Losses.BatchReference;
using static TorchSharp.torch;

namespace SbirLab.Engine.Tests.Miners;

public class TripletMinerTests
{
    /// <summary>A miner that keeps every (anchor, positive, negative) the base allows and records what it was shown.</summary>
    private sealed class ProbeMiner(long anchorLimit) : TripletMiner
    {
        public override string Name => "probe";

        protected override long AnchorLimit => anchorLimit;

        public bool GradientsWereOn { get; private set; }

        public bool DistancesNeededGrad { get; private set; }

        public bool[] Anchors { get; private set; } = [];

        protected override TripletIndices Select(MiningBatch batch)
        {
            GradientsWereOn = is_grad_enabled();
            DistancesNeededGrad = batch.Distances.requires_grad;
            Anchors = batch.Anchors.cpu().data<bool>().ToArray();
            var triplets = (batch.Positive.unsqueeze(2) & batch.Negative.unsqueeze(1)).nonzero();
            return new TripletIndices(triplets[.., 0].contiguous(), triplets[.., 1].contiguous(), triplets[.., 2].contiguous());
        }
    }

    [Fact]
    public void MasksRestrictAnchorsAndCandidatesBeforeTheMinerChooses()
    {
        using var scope = NewDisposeScope();
        var labels = Labels(0, 0, 0, 1, 1, 1);
        var probe = new ProbeMiner(anchorLimit: long.MaxValue);

        // Anchors {0, 3} (the "sketches"); candidates {1, 2, 4, 5} (the "photos").
        var triplets = probe.Mine(zeros(6, 6, device: TestDevice), labels,
            Mask(true, false, false, true, false, false), Mask(false, true, true, false, true, true)).ToList();

        // a0 (class 0): positives {1, 2}, negatives {4, 5}; a3 (class 1): positives {4, 5}, negatives {1, 2}.
        (long, long, long)[] expected =
        [
            (0, 1, 4), (0, 1, 5), (0, 2, 4), (0, 2, 5),
            (3, 4, 1), (3, 4, 2), (3, 5, 1), (3, 5, 2),
        ];
        Assert.Equal(expected, triplets);
        Assert.Equal([true, false, false, true, false, false], probe.Anchors);
    }

    [Fact]
    public void TheAnchorLimitTakesTheFirstAllowedItems()
    {
        using var scope = NewDisposeScope();
        var probe = new ProbeMiner(anchorLimit: 2);

        probe.Mine(zeros(6, 6, device: TestDevice), Labels(0, 1, 0, 1, 0, 1), Mask(false, true, true, true, true, false));

        // Allowed anchors 1, 2, 3, 4; the limit keeps the first two of them.
        Assert.Equal([false, true, true, false, false, false], probe.Anchors);
    }

    [Fact]
    public void MiningSeesDetachedDistancesWithGradientsOffAndReturnsNoGraph()
    {
        using var scope = NewDisposeScope();
        var (embeddings, labels) = RandomBatch(size: 8, classes: 2);
        var leaf = embeddings.clone().requires_grad_();
        var distances = Distances(leaf);
        var probe = new ProbeMiner(anchorLimit: long.MaxValue);

        using var triplets = probe.Mine(distances, labels);

        Assert.True(distances.requires_grad);
        Assert.False(probe.GradientsWereOn);
        Assert.False(probe.DistancesNeededGrad);
        Assert.True(is_grad_enabled());
        Assert.All(new[] { triplets.Anchors, triplets.Positives, triplets.Negatives }, t => Assert.False(t.requires_grad));
        Assert.Equal(8 * 3 * 4, triplets.Count); // each of 8 anchors: 3 positives × 4 negatives
    }

    [Fact]
    public void AWrongSizedMaskIsRefusedWithItsName()
    {
        using var scope = NewDisposeScope();

        var error = Assert.Throws<ArgumentException>(() =>
            new HardMiner().Mine(zeros(3, 3, device: TestDevice), Labels(0, 0, 1), anchorMask: Mask(true, false)));

        Assert.Contains("anchorMask", error.Message);
    }
}
