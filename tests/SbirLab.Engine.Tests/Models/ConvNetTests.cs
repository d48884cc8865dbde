using SbirLab.Engine.Models;
using TorchSharp;
using static TorchSharp.torch;

namespace SbirLab.Engine.Tests.Models;

public class ConvNetTests
{
    [Fact]
    public void StateDictUsesTheSeedSequentialIndices()
    {
        using var net = new ConvNet();
        var shapes = net.StateShapes();
        // nn.Sequential indices of the seed: 0 conv, 3 conv, 6 conv, 10 linear; the rest hold no tensors.
        Assert.Equal(["0.weight", "0.bias", "3.weight", "3.bias", "6.weight", "6.bias", "10.weight", "10.bias"], shapes.Keys.OrderBy(k => int.Parse(k.Split('.')[0])).ThenBy(k => k.EndsWith("bias")));
        Assert.Equal([32L, 1, 3, 3], shapes["0.weight"]);
        Assert.Equal([32L, 32, 3, 3], shapes["3.weight"]);
        Assert.Equal([64L, 32, 3, 3], shapes["6.weight"]);
        Assert.Equal([10L, 256], shapes["10.weight"]);
    }

    [Fact]
    public void ParameterCountMatchesTheSeedLayers()
    {
        using var net = new ConvNet();
        // 32·1·9+32 = 320; 32·32·9+32 = 9,248; 64·32·9+64 = 18,496; 256·10+10 = 2,570 → 30,634.
        Assert.Equal(30_634, net.ParameterCount());
    }

    [Fact]
    public void ForwardGivesLogitsAndFeaturesAreTheNormalisedPreLogits()
    {
        using var scope = torch.NewDisposeScope();
        torch.manual_seed(1);
        using var net = new ConvNet();
        net.eval();
        var x = torch.randn(4, 1, 28, 28);
        var logits = net.call(x);
        var preLogits = net.PreLogits(x);
        var features = net.Features(x);
        TensorAssert.Shape(logits, 4, 10);
        TensorAssert.Shape(features, 4, 256);
        TensorAssert.UnitRows(features);
        // features · ‖pre-logits‖ reproduces the pre-logits (same direction, unit length).
        TensorAssert.Close(preLogits, features * preLogits.norm(dim: 1, keepdim: true), 1e-5);
        // Brute-force classifier: logits = pre-logits · Wᵀ + b with the "10.*" tensors.
        var state = net.state_dict();
        TensorAssert.Close(preLogits.matmul(state["10.weight"].t()) + state["10.bias"], logits, 1e-5);
    }

    [Fact]
    public void RgbInputAndNoClassifierAreConfigurable()
    {
        using var scope = torch.NewDisposeScope();
        using var net = new ConvNet(numClasses: 0, inputChannels: 3);
        var shapes = net.StateShapes();
        Assert.Equal([32L, 3, 3, 3], shapes["0.weight"]);
        Assert.DoesNotContain("10.weight", shapes.Keys);
        Assert.Equal(0, net.NumClasses);
        var x = torch.randn(2, 3, 28, 28);
        TensorAssert.Shape(net.call(x), 2, 256);
        Assert.Throws<InvalidOperationException>(() => net.ClassifierLogits(torch.zeros(2, 256)));
    }
}
