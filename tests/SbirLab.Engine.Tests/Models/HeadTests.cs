using SbirLab.Engine.Models;
using TorchSharp;
using static TorchSharp.torch;

namespace SbirLab.Engine.Tests.Models;

public class HeadTests
{
    [Fact]
    public void EmbeddingHeadHasTheReferenceLayersAndUnitNormOutput()
    {
        using var scope = torch.NewDisposeScope();
        torch.manual_seed(4);
        using var head = new EmbeddingHead(inputDim: 40, hiddenDim: 24, embeddingDim: 16);
        var shapes = head.StateShapes();
        Assert.Equal([24L, 40], shapes["0.weight"]);
        Assert.Equal([24L], shapes["1.running_mean"]);
        Assert.Equal([16L, 24], shapes["3.weight"]);
        // 40·24+24 + 2·24 (BN γ, β) + 24·16+16 = 984 + 48 + 400 = 1,432.
        Assert.Equal(1_432, head.ParameterCount());
        var embedding = head.call(torch.randn(6, 40));
        TensorAssert.Shape(embedding, 6, 16);
        TensorAssert.UnitRows(embedding);
    }

    [Fact]
    public void EmbeddingHeadMatchesItsLayersComputedByHand()
    {
        using var scope = torch.NewDisposeScope();
        torch.manual_seed(5);
        using var head = new EmbeddingHead(8, 6, 4);
        head.eval();
        var x = torch.randn(3, 8);
        var s = head.state_dict();
        // eval-mode BN with fresh statistics (mean 0, var 1): (h − 0)/√(1 + 1e-5)·γ + β.
        var hidden = x.matmul(s["0.weight"].t()) + s["0.bias"];
        var normed = (hidden - s["1.running_mean"]) / (s["1.running_var"] + 1e-5).sqrt() * s["1.weight"] + s["1.bias"];
        var projected = normed.relu().matmul(s["3.weight"].t()) + s["3.bias"];
        var expected = projected / projected.norm(dim: 1, keepdim: true);
        TensorAssert.Close(expected, head.call(x), 1e-5);
    }

    [Fact]
    public void ClassifierHeadIsALinearLayerInitialisedLikeNnLinear()
    {
        using var scope = torch.NewDisposeScope();
        torch.manual_seed(6);
        using var classifier = new ClassifierHead(embeddingDim: 64, numClasses: 5);
        var shapes = classifier.StateShapes();
        Assert.Equal([5L, 64], shapes["weight"]);
        Assert.Equal([5L], shapes["bias"]);
        // nn.Linear's bound for weight (Kaiming uniform, a = √5) and bias: 1/√64 = 0.125.
        Assert.True(classifier.Weight.abs().max().item<float>() <= 0.125f);
        Assert.True(classifier.Bias.abs().max().item<float>() <= 0.125f);
        var x = torch.randn(3, 64);
        TensorAssert.Close(x.matmul(classifier.Weight.t()) + classifier.Bias, classifier.call(x), 1e-6);
    }

    [Fact]
    public void ClassifierHeadFollowsAConversionOfItsModule()
    {
        using var scope = torch.NewDisposeScope();
        using var classifier = new ClassifierHead(embeddingDim: 4, numClasses: 2);
        classifier.to(torch.float64);
        Assert.Equal(torch.float64, classifier.Weight.dtype);
        Assert.Equal(torch.float64, classifier.state_dict()["bias"].dtype);
        TensorAssert.Shape(classifier.call(torch.randn(3, 4, dtype: torch.float64)), 3, 2);
    }
}
