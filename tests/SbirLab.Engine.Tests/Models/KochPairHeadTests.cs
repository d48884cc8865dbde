using SbirLab.Core.Configs;
using SbirLab.Engine.Models;
using TorchSharp;
using static TorchSharp.torch;

namespace SbirLab.Engine.Tests.Models;

public class KochPairHeadTests
{
    private static SiameseNetwork Koch(BackboneKind backbone = BackboneKind.ConvNet, int channels = 1) =>
        SiameseNetwork.Create(new SiameseOptions(backbone, TwoBranch: false, UseHead: false, NumClasses: 0, InputChannels: channels, PairHead: true));

    [Fact]
    public void PairScoresAreSymmetricAndTheSigmoidOfTheLogitsIsAProbability()
    {
        using var scope = torch.NewDisposeScope();
        torch.manual_seed(11);
        using var net = Koch();
        var x1 = torch.randn(5, 1, 28, 28);
        var x2 = torch.randn(5, 1, 28, 28);
        var logits = net.PairLogits(x1, x2);
        TensorAssert.Shape(logits, 5);
        var p = torch.sigmoid(logits);
        Assert.True(p.gt(0).all().item<bool>() && p.lt(1).all().item<bool>());
        TensorAssert.Close(logits, net.PairLogits(x2, x1), 1e-6);
    }

    [Fact]
    public void IdenticalImagesScoreTheBiasAlone()
    {
        using var scope = torch.NewDisposeScope();
        torch.manual_seed(12);
        using var net = Koch();
        var x = torch.randn(3, 1, 28, 28);
        var bias = net.state_dict()["pair.fc.bias"];
        // |h − h| = 0, so the logit is w·0 + b = b for every pair.
        TensorAssert.Close(bias.expand(3), net.PairLogits(x, x), 1e-6);
        Assert.Equal([1L, 256], net.StateShapes()["pair.fc.weight"]);
        Assert.Contains("backbone.0.weight", net.StateShapes().Keys);
    }

    [Fact]
    public void LogitsAreTheLinearLayerOverTheL1DifferenceOfTheFeatures()
    {
        using var scope = torch.NewDisposeScope();
        torch.manual_seed(13);
        using var net = Koch(BackboneKind.Koch);
        var x1 = torch.randn(2, 1, 28, 28);
        var x2 = torch.randn(2, 1, 28, 28);
        var s = net.state_dict();
        var difference = (net.PairFeatures(x1, Domain.Photo) - net.PairFeatures(x2, Domain.Photo)).abs();
        var expected = difference.matmul(s["pair.fc.weight"].t()).squeeze(-1) + s["pair.fc.bias"];
        TensorAssert.Close(expected, net.PairLogits(x1, x2), 1e-5);
        // The pair sampler's layout [first…, second…] gives the same logits as the two halves apart.
        TensorAssert.Close(expected, net.PairLogitsOfHalves(torch.cat([x1, x2], 0), Domain.Photo), 1e-5);
    }

    [Fact]
    public void ResNetBranchIsSymmetricInTrainModeToo()
    {
        using var scope = torch.NewDisposeScope();
        torch.manual_seed(14);
        using var net = Koch(BackboneKind.ResNet18, channels: 3);
        net.train();
        var x1 = torch.randn(2, 3, 32, 32);
        var x2 = torch.randn(2, 3, 32, 32);
        TensorAssert.Close(net.PairLogits(x1, x2), net.PairLogits(x2, x1), 1e-5);
        Assert.Throws<ArgumentException>(() => net.PairLogits(x1, torch.randn(3, 3, 32, 32)));
    }

    [Fact]
    public void KochBranchGivesSigmoidFeaturesOfA28PixelImageAndRefusesOtherSizes()
    {
        using var scope = torch.NewDisposeScope();
        torch.manual_seed(15);
        using var branch = new KochNet(numClasses: 0);
        var h = branch.Features(torch.randn(4, 1, 28, 28));
        TensorAssert.Shape(h, 4, KochNet.FeatureWidth);
        Assert.True(h.gt(0).all().item<bool>() && h.lt(1).all().item<bool>()); // Koch's h is a sigmoid layer
        Assert.Throws<ArgumentException>(() => branch.Features(torch.randn(1, 1, 32, 32)));
        Assert.Equal(["conv1.bias", "conv1.weight", "conv2.bias", "conv2.weight", "conv3.bias", "conv3.weight", "conv4.bias", "conv4.weight", "fc.bias", "fc.weight"],
            branch.state_dict().Keys.Order(StringComparer.Ordinal));
    }

    [Fact]
    public void NoPairHeadOnTwoBranches()
    {
        Assert.Throws<ArgumentException>(() => SiameseNetwork.Create(new SiameseOptions(BackboneKind.ConvNet, TwoBranch: true, UseHead: false, NumClasses: 0, InputChannels: 1, PairHead: true)));
        using var plain = SiameseNetwork.Create(SiameseOptions.Seed004ConvNet);
        Assert.Null(plain.PairHead);
        Assert.Throws<InvalidOperationException>(() => plain.PairLogitsOfHalves(torch.zeros(2, 1, 28, 28), Domain.Photo));
    }
}
