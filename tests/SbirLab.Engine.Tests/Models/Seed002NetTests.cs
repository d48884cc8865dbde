using SbirLab.Core.Configs;
using SbirLab.Engine.Models;
using TorchSharp;
using static TorchSharp.torch;

namespace SbirLab.Engine.Tests.Models;

/// <summary>Seed 002's network: its layers, its sizes, and the parameter count the memory estimate uses.</summary>
public class Seed002NetTests
{
    [Theory]
    [InlineData(28)]
    [InlineData(100)]
    public void ItMapsImagesOfItsSideToFeaturesAndLogits(int side)
    {
        using var scope = NewDisposeScope();
        using var net = (Seed002Net)Backbones.Create(BackboneKind.Seed002, inputChannels: 1, numClasses: 10, imageSize: side);
        var images = randn(3, 1, side, side);
        Assert.Equal([3, Seed002Net.FeatureWidth], net.PreLogits(images).shape);
        Assert.Equal([3, 10], net.forward(images).shape);
        var norms = net.Features(images).norm(1);
        Assert.True(allclose(norms, ones_like(norms), 1e-5, 1e-5));
    }

    [Fact]
    public void ItsLayersAreTheSeedsSequence()
    {
        using var net = new Seed002Net(28);
        var names = net.named_parameters().Select(p => p.name).ToList();
        string[] expected =
            ["conv1.weight", "conv1.bias", "conv2.weight", "conv2.bias", "conv3.weight", "conv3.bias",
             "bn1.weight", "bn1.bias", "bn2.weight", "bn2.bias", "bn3.weight", "bn3.bias",
             "fc1.weight", "fc1.bias", "fc2.weight", "fc2.bias", "fc3.weight", "fc3.bias"];
        Assert.Equal(expected.Order(StringComparer.Ordinal), names.Order(StringComparer.Ordinal));
        Assert.Equal([500L, 8 * 28 * 28], net.named_parameters().Single(p => p.name == "fc1.weight").parameter.shape);
        Assert.Single(net.named_buffers(), b => b.name == "bn3.running_mean");
    }

    [Fact]
    public void AnImageOfAnotherSideIsRefusedNamingTheField()
    {
        using var net = new Seed002Net(28);
        var error = Assert.Throws<ArgumentException>(() => net.PreLogits(zeros(1, 1, 32, 32)));
        Assert.Contains("model.imageSize", error.Message);
    }

    [Theory]
    [InlineData(28)]
    [InlineData(100)]
    public void TheMemoryEstimateCountsItsParametersToWithinOnePercent(int side)
    {
        using var net = new Seed002Net(side);
        long actual = net.parameters().Sum(p => p.numel());
        long estimated = ResourceEstimate.Parameters(new ModelConfig { Backbone = BackboneKind.Seed002, ImageSize = side });
        Assert.InRange(estimated / (double)actual, 0.99, 1.0);
    }
}
