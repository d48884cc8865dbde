using SbirLab.Core.Configs;
using SbirLab.Engine.Models;
using TorchSharp;

namespace SbirLab.Engine.Tests.Models;

public class BackbonesTests
{
    [Theory]
    [InlineData(BackboneKind.ConvNet, typeof(ConvNet), 256)]
    [InlineData(BackboneKind.ResNet18, typeof(ResNet), 512)]
    [InlineData(BackboneKind.ResNet34, typeof(ResNet), 512)]
    public void KindsBuildTheMatchingBackbone(BackboneKind kind, Type type, int featureDimension)
    {
        var backbone = Backbones.Create(kind, inputChannels: 3, numClasses: 5);
        using var module = (torch.nn.Module)backbone;
        Assert.IsType(type, backbone);
        Assert.Equal(featureDimension, backbone.FeatureDimension);
        Assert.Equal(5, backbone.NumClasses);
    }

    [Fact]
    public void ResNet50BuildsA2048WideBackbone()
    {
        var backbone = Backbones.Create(BackboneKind.ResNet50, inputChannels: 3, numClasses: 0);
        using var module = (torch.nn.Module)backbone;
        Assert.Equal(2048, backbone.FeatureDimension);
        Assert.Equal(50, ((ResNet)backbone).Depth);
    }
}
