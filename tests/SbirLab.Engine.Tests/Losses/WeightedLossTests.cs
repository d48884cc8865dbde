using SbirLab.Engine.Losses;
using static SbirLab.Engine.Tests.Losses.BatchReference;
using static TorchSharp.torch;

namespace SbirLab.Engine.Tests.Losses;

public class WeightedLossTests
{
    [Fact]
    public void DefaultWeightsAreTheSeedsAndCombineLinearly()
    {
        using var scope = NewDisposeScope();
        var embedding = tensor(2.0f).to(TestDevice);
        var classification = tensor(3.0f).to(TestDevice);

        var result = new WeightedLoss().Combine(embedding, classification);

        // 0.4·2 + 0.6·3 = 0.8 + 1.8 = 2.6; parts are reported unweighted.
        Assert.Equal(2.6, Scalar(result.Total), 5);
        Assert.Equal(2.0, Scalar(result.Embedding), 6);
        Assert.Equal(3.0, Scalar(result.Classification), 6);
    }

    [Fact]
    public void GradientFlowsThroughBothParts()
    {
        using var scope = NewDisposeScope();
        var x = tensor(1.5f).to(TestDevice).requires_grad_();

        // total = 0.25·x² + 0.75·3x → d/dx = 0.5·x + 2.25 = 3.0 at x = 1.5.
        new WeightedLoss(0.25, 0.75).Combine(x.pow(2), 3 * x).Total.backward();

        Assert.Equal(3.0, Scalar(x.grad!), 5);
    }

    [Fact]
    public void ZeroWeightLeavesPartOutOfTotal()
    {
        using var scope = NewDisposeScope();
        var nan = tensor(float.NaN).to(TestDevice);

        var result = new WeightedLoss(1, 0).Combine(tensor(0.7f).to(TestDevice), nan);

        Assert.Equal(0.7, Scalar(result.Total), 5);
        Assert.True(double.IsNaN(Scalar(result.Classification)));
    }

    [Fact]
    public void RejectsNegativeOrAllZeroWeights()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => new WeightedLoss(-0.1, 1));
        Assert.Throws<ArgumentException>(() => new WeightedLoss(0, 0));
    }
}
