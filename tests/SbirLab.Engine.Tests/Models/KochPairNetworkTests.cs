using SbirLab.Core.Configs;
using SbirLab.Engine.Models;
using TorchSharp;
using static TorchSharp.torch;

namespace SbirLab.Engine.Tests.Models;

public class KochPairNetworkTests
{
    [Fact]
    public void OutputIsAProbabilityPerPairAndSymmetric()
    {
        using var scope = torch.NewDisposeScope();
        torch.manual_seed(11);
        using var net = KochPairNetwork.Create(BackboneKind.ConvNet, inputChannels: 1);
        var x1 = torch.randn(5, 1, 28, 28);
        var x2 = torch.randn(5, 1, 28, 28);
        var p = net.Forward(x1, x2);
        TensorAssert.Shape(p, 5);
        Assert.True(p.gt(0).all().item<bool>() && p.lt(1).all().item<bool>());
        TensorAssert.Close(p, net.Forward(x2, x1), 1e-6);
        TensorAssert.Close(torch.sigmoid(net.ForwardLogits(x1, x2)), p, 1e-6);
    }

    [Fact]
    public void IdenticalImagesScoreTheBiasAlone()
    {
        using var scope = torch.NewDisposeScope();
        torch.manual_seed(12);
        using var net = KochPairNetwork.Create(BackboneKind.ConvNet, inputChannels: 1);
        var x = torch.randn(3, 1, 28, 28);
        var bias = net.state_dict()["fc.bias"];
        // |h − h| = 0, so the logit is w·0 + b = b for every pair.
        TensorAssert.Close(bias.expand(3), net.ForwardLogits(x, x), 1e-6);
        Assert.Equal([1L, 256], net.StateShapes()["fc.weight"]);
        Assert.Contains("backbone.0.weight", net.StateShapes().Keys);
    }

    [Fact]
    public void LogitsAreTheLinearLayerOverTheL1Difference()
    {
        using var scope = torch.NewDisposeScope();
        torch.manual_seed(13);
        using var net = KochPairNetwork.Create(BackboneKind.ConvNet, inputChannels: 1);
        var x1 = torch.randn(2, 1, 28, 28);
        var x2 = torch.randn(2, 1, 28, 28);
        var s = net.state_dict();
        var difference = (net.Backbone.Features(x1) - net.Backbone.Features(x2)).abs();
        var expected = difference.matmul(s["fc.weight"].t()).squeeze(-1) + s["fc.bias"];
        TensorAssert.Close(expected, net.ForwardLogits(x1, x2), 1e-5);
    }

    [Fact]
    public void ResNetBranchIsSymmetricInTrainModeToo()
    {
        using var scope = torch.NewDisposeScope();
        torch.manual_seed(14);
        using var net = KochPairNetwork.Create(BackboneKind.ResNet18, inputChannels: 3);
        net.train();
        var x1 = torch.randn(2, 3, 32, 32);
        var x2 = torch.randn(2, 3, 32, 32);
        TensorAssert.Close(net.Forward(x1, x2), net.Forward(x2, x1), 1e-5);
        Assert.Throws<ArgumentException>(() => net.Forward(x1, torch.randn(3, 3, 32, 32)));
    }
}
