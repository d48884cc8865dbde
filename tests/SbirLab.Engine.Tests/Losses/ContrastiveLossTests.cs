using SbirLab.Core.Configs;
using SbirLab.Engine.Losses;
using static SbirLab.Engine.Tests.Losses.BatchReference;
using static TorchSharp.torch;

namespace SbirLab.Engine.Tests.Losses;

public class ContrastiveLossTests
{
    [Fact]
    public void PairFormMatchesHandValues()
    {
        using var scope = NewDisposeScope();
        var x1 = Points([0, 0], [0, 0], [0, 0], [1, 0]);
        var x2 = Points([3, 4], [0.6, 0.8], [0.3, 0.4], [1, 0]);
        var same = Mask(true, false, false, true);

        var mean = new ContrastiveLoss(margin: 1).Forward(x1, x2, same);
        var sum = new ContrastiveLoss(margin: 1, LossReduction.Sum).Forward(x1, x2, same);

        // m = 1. Same, D = 5: ½·25 = 12.5.   Different, D = 1: ½·max(0, 1 − 1)² = 0.
        // Different, D = 0.5: ½·0.5² = 0.125. Same, D = 0: 0.
        // Sum = 12.625; mean = 12.625 / 4 = 3.15625.
        Assert.Equal(3.15625, Scalar(mean), 4);
        Assert.Equal(12.625, Scalar(sum), 4);
    }

    [Fact]
    public void AcceptsZeroOneFlagsLikeBools()
    {
        using var scope = NewDisposeScope();
        var x1 = Points([0, 0], [0, 0]);
        var x2 = Points([3, 4], [0.3, 0.4]);
        var loss = new ContrastiveLoss(margin: 1);

        var fromBool = Scalar(loss.Forward(x1, x2, Mask(true, false)));
        var fromFloat = Scalar(loss.Forward(x1, x2, tensor(new float[] { 1, 0 }).to(TestDevice)));

        // (12.5 + 0.125) / 2 = 6.3125.
        Assert.Equal(6.3125, fromBool, 4);
        Assert.Equal(fromBool, fromFloat, 6);
    }

    [Fact]
    public void BatchFormUsesEveryPairOnce()
    {
        using var scope = NewDisposeScope();

        // Unit circle: e0 = (1, 0) and e1 = (0, 1) of class 0, e2 = (−1, 0) of class 1; m = 2.
        var embeddings = Points([1, 0], [0, 1], [-1, 0]);

        var result = new ContrastiveLoss(margin: 2).Compute(embeddings, Labels(0, 0, 1));

        // (0,1) same, D² = 2: ½·2 = 1.  (0,2) different, D = 2: ½·max(0, 2 − 2)² = 0.
        // (1,2) different, D = √2: ½·(2 − √2)² = ½·0.343146 = 0.171573. Mean = 1.171573 / 3 = 0.390524.
        Assert.Equal(0.390524, Scalar(result.Loss), 4);
        Assert.Equal(3, result.Terms);
        Assert.Equal(2, result.ActiveTerms);
    }

    [Fact]
    public void BatchFormWithMasksKeepsOnlyAnchorCandidatePairs()
    {
        using var scope = NewDisposeScope();
        var embeddings = Points([1, 0], [0, 1], [-1, 0]);

        var result = new ContrastiveLoss(margin: 2).Compute(embeddings, Labels(0, 0, 1), Mask(true, false, false), Mask(false, true, true));

        // Only (0,1) → 1 and (0,2) → 0; mean = 0.5. The pair (1,2) joins two candidates and is left out.
        Assert.Equal(0.5, Scalar(result.Loss), 4);
        Assert.Equal(2, result.Terms);

        // An anchor after its candidates in the batch: anchor 2, candidates {0, 1} → pairs (0,2) → 0 and (1,2) → 0.171573.
        var reversed = new ContrastiveLoss(margin: 2).Compute(embeddings, Labels(0, 0, 1), Mask(false, false, true), Mask(true, true, false));
        Assert.Equal(0.171573 / 2, Scalar(reversed.Loss), 4);
        Assert.Equal(2, reversed.Terms);
    }

    [Fact]
    public void PairedHalvesTakeTheGivenPairsOnly()
    {
        using var scope = NewDisposeScope();

        // Pairs (0, 2) and (1, 3) of the pair sampler's layout [first₀, first₁, second₀, second₁].
        var embeddings = Points([0, 0], [0, 0], [3, 4], [0.3, 0.4]);
        var labels = Labels(0, 0, 0, 1);
        var paired = new ContrastiveLoss(margin: 1, pairedHalves: true);

        var result = paired.Compute(embeddings, labels);

        // (0, 2) same, D = 5: ½·25 = 12.5; (1, 3) different, D = 0.5: ½·0.5² = 0.125. Mean = 6.3125, as the pair form.
        Assert.Equal(6.3125, Scalar(result.Loss), 4);
        Assert.Equal(Scalar(paired.Forward(embeddings[..2], embeddings[2..], Mask(true, false))), Scalar(result.Loss), 5);
        Assert.Equal((2L, 2L), (result.ActiveTerms, result.Terms));
        Assert.Throws<ArgumentException>(() => paired.Compute(Points([0], [1], [2]), Labels(0, 0, 1)));
    }

    [Fact]
    public void PairedHalvesWithMasksKeepAnchorCandidatePairs()
    {
        using var scope = NewDisposeScope();
        var embeddings = Points([0, 0], [0, 0], [3, 4], [0.3, 0.4]);

        // Anchors {0, 3}, candidates {1, 2}: pair (0, 2) joins an anchor and a candidate; (1, 3) too (in reverse order).
        var both = new ContrastiveLoss(1, pairedHalves: true).Compute(embeddings, Labels(0, 0, 0, 1), Mask(true, false, false, true), Mask(false, true, true, false));
        // Anchors {0}, candidates {2}: only (0, 2) remains.
        var one = new ContrastiveLoss(1, pairedHalves: true).Compute(embeddings, Labels(0, 0, 0, 1), Mask(true, false, false, false), Mask(false, false, true, false));

        Assert.Equal((6.3125, 2L), (Math.Round(Scalar(both.Loss), 4), both.Terms));
        Assert.Equal((12.5, 1L), (Math.Round(Scalar(one.Loss), 4), one.Terms));
    }

    [Fact]
    public void BatchFormMatchesBruteForce()
    {
        using var scope = NewDisposeScope();
        var (embeddings, labels) = RandomBatch();

        var result = new ContrastiveLoss(margin: 1.2, LossReduction.Sum).Compute(embeddings, labels);

        Assert.Equal(24 * 23 / 2, result.Terms);
        Assert.Equal(ContrastiveSum(Rows(embeddings), LabelArray(labels), 1.2), Scalar(result.Loss), 3);
    }

    [Fact]
    public void IdenticalClassPointsFarApartGiveZero()
    {
        using var scope = NewDisposeScope();
        var embeddings = Points([1, 0], [1, 0], [-1, 0], [-1, 0]);

        var result = new ContrastiveLoss(margin: 1.5).Compute(embeddings, Labels(0, 0, 1, 1));

        // Same-class pairs have D = 0; different-class pairs have D = 2 ≥ m = 1.5.
        Assert.Equal(0, Scalar(result.Loss), 6);
        Assert.Equal(0, result.ActiveTerms);
    }

    [Fact]
    public void GradientIsFiniteEvenForCoincidingDifferentClassPoints()
    {
        using var scope = NewDisposeScope();
        var leaf = zeros(4, 3, device: TestDevice).requires_grad_();

        new ContrastiveLoss(margin: 1).Compute(leaf, Labels(0, 1, 0, 1)).Loss.backward();

        AssertFiniteGradient(leaf);
    }
}
