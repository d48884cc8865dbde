using SbirLab.Core.Configs;
using SbirLab.Engine.Losses;
using static SbirLab.Engine.Tests.Losses.BatchReference;
using static TorchSharp.torch;

namespace SbirLab.Engine.Tests.Losses;

public class SmoothApLossTests
{
    // 1-D points x = [0, 1, 2, 3], labels [0, 0, 1, 0].
    private static (Tensor Embeddings, Tensor Labels) Line() => (Points([0], [1], [2], [3]), Labels(0, 0, 1, 0));

    [Fact]
    public void SingleAnchorMatchesHandValue()
    {
        using var scope = NewDisposeScope();
        var (embeddings, labels) = Line();

        var result = new SmoothApLoss(temperature: 1, anchorCount: 1).Compute(embeddings, labels);

        // Anchor 0: positives 1 (d = 1), 3 (d = 9); negative 2 (d = 4); τ = 1.
        // p = 1: Σ_n σ(1 − 4) = σ(−3) = 0.0474259;
        //        k_σ = σ(0) [p itself] + σ(1 − 9) + σ(1 − 4) = 0.5 + 0.0003354 + 0.0474259 = 0.5477613 → 0.0865813.
        // p = 3: Σ_n σ(9 − 4) = σ(5) = 0.9933071;
        //        k_σ = σ(9 − 1) + σ(0) + σ(9 − 4) = 0.9996646 + 0.5 + 0.9933071 = 2.4929718 → 0.3984430.
        // l(0) = 0.4850243. Terms: 2 (a, p) pairs; active: p = 3 has the negative ranked before it.
        Assert.Equal(0.4850243, Scalar(result.Loss), 5);
        Assert.Equal((1L, 2L), (result.ActiveTerms, result.Terms));
    }

    [Fact]
    public void TwoAnchorsSumAndMean()
    {
        using var scope = NewDisposeScope();
        var (embeddings, labels) = Line();

        var sum = new SmoothApLoss(1, 2, LossReduction.Sum).Compute(embeddings, labels);
        var mean = new SmoothApLoss(1, 2).Compute(embeddings, labels);

        // Anchor 1: positives 0 (d = 1), 3 (d = 4); negative 2 (d = 1, a tie with p = 0).
        // p = 0: σ(0) / (σ(0) + σ(1 − 4) + σ(0)) = 0.5 / 1.0474259 = 0.4773607.
        // p = 3: σ(3) / (σ(3) + σ(0) + σ(3)) = 0.9525741 / 2.4051483 = 0.3960563.
        // l(1) = 0.8734171; with l(0) = 0.4850243: sum = 1.3584413, mean = 0.6792207.
        Assert.Equal(1.3584413, Scalar(sum.Loss), 5);
        Assert.Equal(0.6792207, Scalar(mean.Loss), 5);
    }

    [Fact]
    public void MeanSkipsAnchorsWithoutPositives()
    {
        using var scope = NewDisposeScope();
        var (embeddings, labels) = Line();

        var sum = new SmoothApLoss(1, 3, LossReduction.Sum).Compute(embeddings, labels);
        var mean = new SmoothApLoss(1, 3).Compute(embeddings, labels);

        // Anchor 2 is the only item of class 1: no positive, l(2) = 0 and AP undefined, so the mean is over anchors 0 and 1:
        // sum = 1.3584413 + 0, mean = 1.3584413 / 2 = 0.6792207 (not / 3).
        Assert.Equal(1.3584413, Scalar(sum.Loss), 5);
        Assert.Equal(0.6792207, Scalar(mean.Loss), 5);
    }

    [Fact]
    public void VectorisedMatchesBruteForceLoop()
    {
        using var scope = NewDisposeScope();
        var (embeddings, labels) = RandomBatch();
        var rows = Rows(embeddings);
        var labelArray = LabelArray(labels);

        foreach (var tau in new[] { 0.01, 0.1 })
        {
            var expected = Enumerable.Range(0, 10).Sum(a => SmoothAp(rows, labelArray, a, tau));

            var sum = new SmoothApLoss(tau, 10, LossReduction.Sum).Compute(embeddings, labels);
            var mean = new SmoothApLoss(tau, 10).Compute(embeddings, labels);

            Assert.Equal(expected, Scalar(sum.Loss), 3);
            Assert.Equal(expected / 10, Scalar(mean.Loss), 4);
            Assert.Equal(10 * 5, sum.Terms);
        }
    }

    [Fact]
    public void SmallTemperatureApproachesHardApCounterpart()
    {
        using var scope = NewDisposeScope();

        // Anchor x = 0 (class 0); others at distinct squared distances so no σ sits at a tie except p with itself.
        // Ranking by distance: 0.1 (+), 0.2 (−), 0.35 (+), 0.5 (−), 0.7 (−), 0.9 (+).
        var embeddings = Points([0], [0.1], [0.2], [0.35], [0.5], [0.7], [0.9]);
        var labels = Labels(0, 0, 1, 0, 1, 1, 0);
        var rows = Rows(embeddings);
        var labelArray = LabelArray(labels);

        var perPositive = Scalar(new SmoothApLoss(1e-4, 1).Compute(embeddings, labels).Loss) / 3;

        // Hard counterpart with the seed's k_σ (p itself counts σ(0) = ½, so k(p) − ½):
        //   p at rank 1: 0 / 0.5 = 0; rank 3: 1 negative / 2.5 = 0.4; rank 6: 3 / 5.5 = 0.545455 → (0.945455) / 3 = 0.315152.
        // Exact 1 − AP: AP = (1/1 + 2/3 + 3/6) / 3 = 0.722222, so 1 − AP = 0.277778 = (0 + 1/3 + 3/6) / 3.
        var hardLimit = HardApLoss(rows, labelArray, 0, selfShift: 0.5);
        var oneMinusAp = 1 - AveragePrecision(rows, labelArray, 0);
        Assert.Equal(0.315152, hardLimit, 5);
        Assert.Equal(0.277778, oneMinusAp, 5);
        Assert.Equal(oneMinusAp, HardApLoss(rows, labelArray, 0, selfShift: 0), 10);
        Assert.Equal(hardLimit, perPositive, 4);

        // The seed's loss is "1 − AP-like": between 1 − AP and 4/3·(1 − AP), since k/(k − ½) ≤ 4/3 wherever k ≥ 2.
        Assert.InRange(perPositive, oneMinusAp, 4.0 / 3 * oneMinusAp);
    }

    [Fact]
    public void RandomBatchTemperatureLimitMatchesHardCounterpartForEveryAnchor()
    {
        using var scope = NewDisposeScope();
        var (embeddings, labels) = RandomBatch();
        var rows = Rows(embeddings);
        var labelArray = LabelArray(labels);

        // Precondition: per anchor, distinct distances differ by ≥ 10⁻³, so |d_p − d_x|/τ ≥ 100 and σ_τ saturates.
        for (var a = 0; a < 10; a++)
        {
            var sorted = rows.Where((_, i) => i != a).Select(r => SquaredDistance(rows[a], r)).Order().ToArray();
            Assert.True(sorted.Zip(sorted.Skip(1), (x, y) => y - x).Min() > 1e-3);
        }

        var sum = Scalar(new SmoothApLoss(1e-5, 10, LossReduction.Sum).Compute(embeddings, labels).Loss);

        // Each anchor has 5 positives: Σ_a l(a) → Σ_a 5·hard(a).
        var expected = Enumerable.Range(0, 10).Sum(a => 5 * HardApLoss(rows, labelArray, a, selfShift: 0.5));
        Assert.Equal(expected, sum, 2);
    }

    [Fact]
    public void SeparatedClassesGiveNearZero()
    {
        using var scope = NewDisposeScope();
        var embeddings = Points([1, 0], [0.9998, 0.02], [0.9998, -0.02], [-1, 0], [-0.9998, 0.02], [-0.9998, -0.02]);

        var result = new SmoothApLoss(0.01, 6).Compute(embeddings, Labels(0, 0, 0, 1, 1, 1));

        // d_p − d_n ≤ 0.0008 − 3.9, so σ_τ ≤ σ(−389) ≈ e^−389: every numerator vanishes.
        Assert.Equal(0, Scalar(result.Loss), 6);
        Assert.Equal(0, result.ActiveTerms);
    }

    [Fact]
    public void CrossDomainMasksUseSketchAnchorsAndPhotoCandidates()
    {
        using var scope = NewDisposeScope();

        // Items: 0 sketch (class 0) at 0; photos 1 (class 0) at 1, 2 (class 1) at 2, 3 (class 0) at 3; 4 sketch (class 1) at 0.5.
        var embeddings = Points([0], [1], [2], [3], [0.5]);
        var labels = Labels(0, 0, 1, 0, 1);

        var result = new SmoothApLoss(1, 10, LossReduction.Sum).Compute(
            embeddings, labels, Mask(true, false, false, false, true), Mask(false, true, true, true, false));

        // Sketch 0 sees the photos exactly as anchor 0 of SingleAnchorMatchesHandValue: 0.4850243 (sketch 4 is not a candidate).
        // Sketch 4 (class 1): positive photo 2 (d = 2.25); negatives 1 (d = 0.25), 3 (d = 6.25).
        //   σ(2) + σ(−4) = 0.8807971 + 0.0179862 = 0.8987833; k_σ = 0.5 + 0.8987833 → 0.8987833 / 1.3987833 = 0.6425465.
        // Total = 1.1275708.
        Assert.Equal(1.1275708, Scalar(result.Loss), 5);
        Assert.Equal(3, result.Terms);
    }

    [Fact]
    public void GradientIsFinite()
    {
        using var scope = NewDisposeScope();
        var (embeddings, labels) = RandomBatch();
        var leaf = embeddings.clone().requires_grad_();

        new SmoothApLoss().Compute(leaf, labels).Loss.backward();

        AssertFiniteGradient(leaf);
    }

    [Fact]
    public void GradientIsFiniteWhenAllPointsCoincide()
    {
        using var scope = NewDisposeScope();
        var leaf = zeros(6, 3, device: TestDevice).requires_grad_();

        new SmoothApLoss().Compute(leaf, Labels(0, 0, 1, 1, 2, 2)).Loss.backward();

        AssertFiniteGradient(leaf);
    }
}
