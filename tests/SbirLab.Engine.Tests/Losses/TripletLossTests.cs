using SbirLab.Core.Configs;
using SbirLab.Engine.Losses;
using SbirLab.Engine.Miners;
using static SbirLab.Engine.Tests.Losses.BatchReference;
using static TorchSharp.torch;

namespace SbirLab.Engine.Tests.Losses;

public class TripletLossTests
{
    // Unit circle: e0 = (1, 0), e1 = (0, 1) of class 0; e2 = (−1, 0), e3 = (0, −1) of class 1.
    // Squared distances: neighbours 2, opposite points 4 (d01 = 2, d02 = 4, d03 = 2, d12 = 2, d13 = 4, d23 = 2).
    private static (Tensor Embeddings, Tensor Labels) Circle() => (Points([1, 0], [0, 1], [-1, 0], [0, -1]), Labels(0, 0, 1, 1));

    [Fact]
    public void PerSampleFormMatchesHandValues()
    {
        using var scope = NewDisposeScope();
        var anchor = Points([1, 0], [1, 0]);
        var positive = Points([0, 1], [0.6, 0.8]);
        var negative = Points([-1, 0], [0.8, 0.6]);

        var mean = new TripletLoss(0.2).Compute(anchor, positive, negative);
        var sum = new TripletLoss(0.2, LossReduction.Sum).Compute(anchor, positive, negative).Loss;

        // Triplet 1: d(a,p) = 2, d(a,n) = 4: max(2 − 4 + 0.2, 0) = 0.
        // Triplet 2: d(a,p) = 0.4² + 0.8² = 0.8, d(a,n) = 0.2² + 0.6² = 0.4: 0.8 − 0.4 + 0.2 = 0.6.
        // Mean = 0.3, sum = 0.6; one of two triplets is active.
        Assert.Equal(0.3, Scalar(mean.Loss), 5);
        Assert.Equal(0.6, Scalar(sum), 5);
        Assert.Equal((1L, 2L), (mean.ActiveTerms, mean.Terms));
    }

    [Fact]
    public void BatchAllOverFirstTwoAnchorsMatchesHandValues()
    {
        using var scope = NewDisposeScope();
        var (embeddings, labels) = Circle();

        var result = new TripletLoss(0.5, LossReduction.Sum).Compute(embeddings, labels, new BatchAllMiner(2));

        // α = 0.5. Anchor 0, p = 1 (d = 2): n = 2 (d = 4) → 0; n = 3 (d = 2) → 0.5.
        //          Anchor 1, p = 0 (d = 2): n = 2 (d = 2) → 0.5; n = 3 (d = 4) → 0.
        // Seed total Σ_a l(a) = 1.0 over 4 triplets, 2 active.
        Assert.Equal(1.0, Scalar(result.Loss), 5);
        Assert.Equal((2L, 4L), (result.ActiveTerms, result.Terms));
    }

    [Fact]
    public void AllMinerMeanAveragesOverEveryTriplet()
    {
        using var scope = NewDisposeScope();
        var (embeddings, labels) = Circle();

        var result = new TripletLoss(0.5).Compute(embeddings, labels, BatchAllMiner.AllAnchors());

        // Anchors 2 and 3 mirror anchors 0 and 1: four more triplets, two at 0.5. Mean = 2.0 / 8 = 0.25.
        Assert.Equal(0.25, Scalar(result.Loss), 5);
        Assert.Equal((4L, 8L), (result.ActiveTerms, result.Terms));
    }

    [Fact]
    public void MeanActiveAveragesOverTheActiveTripletsOnly()
    {
        using var scope = NewDisposeScope();
        var (embeddings, labels) = Circle();

        var result = new TripletLoss(0.5, LossReduction.MeanActive).Compute(embeddings, labels, BatchAllMiner.AllAnchors());

        // The same eight triplets as above: four active at 0.5 each, so 2.0 / 4 = 0.5 (the mean over all is 0.25).
        Assert.Equal(0.5, Scalar(result.Loss), 5);
    }

    [Fact]
    public void MeanActiveOfABatchWithNoActiveTripletIsZero()
    {
        using var scope = NewDisposeScope();
        var (embeddings, labels) = Circle();

        // With α = 0 every hinge is max(d(a,p) − d(a,n), 0) ≤ 0 on the circle: no triplet is active, and 0 / max(0, 1) = 0.
        var result = new TripletLoss(0.0, LossReduction.MeanActive).Compute(embeddings, labels, BatchAllMiner.AllAnchors());

        Assert.Equal(0.0, Scalar(result.Loss), 6);
        Assert.Equal(0L, result.ActiveTerms);
    }

    [Fact]
    public void VectorisedBatchAllMatchesBruteForceLoop()
    {
        using var scope = NewDisposeScope();
        var (embeddings, labels) = RandomBatch();
        var rows = Rows(embeddings);
        var expectedSum = TripletSum(rows, BatchAllTriplets(LabelArray(labels), 10), 0.2);

        var sum = new TripletLoss(0.2, LossReduction.Sum).Compute(embeddings, labels, new BatchAllMiner(10));
        var mean = new TripletLoss(0.2).Compute(embeddings, labels, new BatchAllMiner(10));

        Assert.Equal(expectedSum, Scalar(sum.Loss), 2);
        Assert.Equal(expectedSum / 900, Scalar(mean.Loss), 5);
    }

    [Fact]
    public void VectorisedHardMatchesBruteForceLoop()
    {
        using var scope = NewDisposeScope();
        var (embeddings, labels) = RandomBatch();
        var rows = Rows(embeddings);
        var expectedSum = TripletSum(rows, HardTriplets(rows, LabelArray(labels)), 0.2);

        var result = new TripletLoss(0.2, LossReduction.Sum).Compute(embeddings, labels, new HardMiner());

        Assert.Equal(expectedSum, Scalar(result.Loss), 3);
        Assert.Equal(24, result.Terms);
    }

    [Fact]
    public void SeparatedClassesBeyondMarginGiveZero()
    {
        using var scope = NewDisposeScope();

        // Class 0 near (1, 0), class 1 near (−1, 0): d(a,p) ≤ 0.0008, d(a,n) ≥ 3.9, so d(a,p) − d(a,n) + 0.5 < 0.
        var embeddings = Points([1, 0], [0.9998, 0.02], [0.9998, -0.02], [-1, 0], [-0.9998, 0.02], [-0.9998, -0.02]);

        var result = new TripletLoss(0.5).Compute(embeddings, Labels(0, 0, 0, 1, 1, 1), BatchAllMiner.AllAnchors());

        Assert.Equal(0, Scalar(result.Loss), 6);
        Assert.Equal(0, result.ActiveTerms);
        Assert.Equal(6 * 2 * 3, result.Terms);
    }

    [Fact]
    public void BatchWithoutTripletsGivesZeroThatBackPropagates()
    {
        using var scope = NewDisposeScope();
        var leaf = randn(3, 2, device: TestDevice).requires_grad_();

        var result = new TripletLoss(0.2).Compute(leaf, Labels(5, 5, 5), new BatchAllMiner(10));
        result.Loss.backward();

        Assert.Equal(0, Scalar(result.Loss));
        Assert.Equal(0, result.Terms);
        AssertFiniteGradient(leaf);
    }

    [Theory]
    [InlineData(MinerKind.BatchAll)]
    [InlineData(MinerKind.SemiHard)]
    [InlineData(MinerKind.Hard)]
    [InlineData(MinerKind.All)]
    public void GradientIsFiniteForEveryMiner(MinerKind minerKind)
    {
        using var scope = NewDisposeScope();
        using var generator = new Generator(5, CPU);
        var (embeddings, labels) = RandomBatch();
        var leaf = embeddings.clone().requires_grad_();
        var miner = LossFactory.CreateMiner(minerKind, 0.4, 10, generator);

        var result = new TripletLoss(0.4).Compute(leaf, labels, miner);
        result.Loss.backward();

        Assert.True(result.Terms > 0);
        AssertFiniteGradient(leaf);
        Assert.True(leaf.grad!.abs().sum().item<float>() > 0);
    }
}
