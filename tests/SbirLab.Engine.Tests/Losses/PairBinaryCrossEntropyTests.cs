using SbirLab.Engine.Losses;
using static SbirLab.Engine.Tests.Losses.BatchReference;
using static TorchSharp.torch;

namespace SbirLab.Engine.Tests.Losses;

public class PairBinaryCrossEntropyTests
{
    [Fact]
    public void MatchesTheHandValueAndCountsTheMisjudgedPairs()
    {
        using var scope = NewDisposeScope();
        // z = 0, different: −ln(1 − ½) = ln 2 = 0.6931472 (on the boundary: misjudged);
        // z = ln 3, same: −ln σ(ln 3) = −ln ¾ = 0.2876821 (right); z = 2, different: −ln(1 − σ(2)) = 2.126928 (wrong).
        var logits = tensor(new float[] { 0, (float)Math.Log(3), 2 }).to(TestDevice);

        using var result = new PairBinaryCrossEntropy().Compute(logits, Mask(false, true, false));

        Assert.Equal((0.6931472 + 0.2876821 + 2.126928) / 3, Scalar(result.Loss), 5);
        Assert.Equal(3, result.Terms);
        Assert.Equal(2, result.ActiveTerms);
    }

    [Fact]
    public void StaysFiniteWithUsefulGradientsForConfidentlyWrongLogits()
    {
        using var scope = NewDisposeScope();
        var logits = tensor(new float[] { 200, -200 }).to(TestDevice).requires_grad_();

        using var result = new PairBinaryCrossEntropy().Compute(logits, Mask(false, true));
        result.Loss.backward();

        // Both are wrong by 200: softplus(200) = 200 each; d/dz of the mean is (σ(z) − y) / 2 = ±½.
        Assert.Equal(200, Scalar(result.Loss), 3);
        var gradient = logits.grad!.cpu().data<float>().ToArray();
        Assert.Equal(0.5, gradient[0], 5);
        Assert.Equal(-0.5, gradient[1], 5);
    }

    [Fact]
    public void RefusesLogitsAndTruthsOfDifferentLengths()
    {
        using var scope = NewDisposeScope();
        Assert.Throws<ArgumentException>(() => new PairBinaryCrossEntropy().Compute(zeros(3), Mask(true, false)));
    }
}
