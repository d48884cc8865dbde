using SbirLab.Core.Configs;
using SbirLab.Engine.Training;
using static SbirLab.Engine.Tests.Losses.BatchReference;
using static TorchSharp.torch;

namespace SbirLab.Engine.Tests.Training;

public class ObjectiveTests
{
    private static readonly LossConfig SeedZeroWeights = new() { EmbeddingWeight = 0.4, CrossEntropyWeight = 0.6 };

    [Fact]
    public void WeightedSumMatchesHandValueAndGradients()
    {
        using var scope = NewDisposeScope();
        var x = tensor(2.0f).to(TestDevice).requires_grad_();

        var total = Objective.WeightedSum(SeedZeroWeights, x.pow(2), 3 * x);
        total.backward();

        // 0.4·4 + 0.6·6 = 5.2; d/dx = 0.4·2x + 0.6·3 = 1.6 + 1.8 = 3.4.
        Assert.Equal(5.2, Scalar(total), 5);
        Assert.Equal(3.4, Scalar(x.grad!), 5);
    }

    [Fact]
    public void AnAbsentPartIsLeftOutAndNoPartIsRefused()
    {
        using var scope = NewDisposeScope();
        var embedding = tensor(0.7f).to(TestDevice);
        var crossEntropy = tensor(2.0f).to(TestDevice);

        Assert.Equal(0.28, Scalar(Objective.WeightedSum(SeedZeroWeights, embedding, null)), 5);
        Assert.Equal(1.2, Scalar(Objective.WeightedSum(SeedZeroWeights, null, crossEntropy)), 5);
        Assert.Throws<InvalidOperationException>(() => Objective.WeightedSum(SeedZeroWeights, null, null));
    }

    [Fact]
    public void StepFiguresAreReadFromOneTensorWithNaNForAbsentParts()
    {
        using var scope = NewDisposeScope();

        var figures = StepFigures.Read(tensor(new[] { 1.5f, float.NaN, 1.5f, 0.25f, float.NaN }).to(TestDevice));

        Assert.Equal((1.5, 1.5, 0.25), (figures.Total, figures.CrossEntropy, figures.Accuracy));
        Assert.True(double.IsNaN(figures.Embedding) && double.IsNaN(figures.ActiveFraction));
    }
}
