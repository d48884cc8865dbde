using SbirLab.Engine.Models;
using TorchSharp;

namespace SbirLab.Engine.Tests.Models;

public class BackbonesTests
{
    [Theory]
    [InlineData("convnet", typeof(ConvNet), 256)]
    [InlineData("resnet18", typeof(ResNet), 512)]
    [InlineData("ResNet34", typeof(ResNet), 512)]
    public void NamesBuildTheMatchingBackbone(string name, Type type, int featureDimension)
    {
        var backbone = Backbones.Create(name, inputChannels: 3, numClasses: 5);
        using var module = (torch.nn.Module)backbone;
        Assert.IsType(type, backbone);
        Assert.Equal(featureDimension, backbone.FeatureDimension);
        Assert.Equal(5, backbone.NumClasses);
    }

    [Fact]
    public void ResNet50NameBuildsA2048WideBackbone()
    {
        var backbone = Backbones.Create("resnet50", inputChannels: 3, numClasses: 0);
        using var module = (torch.nn.Module)backbone;
        Assert.Equal(2048, backbone.FeatureDimension);
        Assert.Equal(50, ((ResNet)backbone).Depth);
    }

    [Fact]
    public void UnknownNameListsTheAllowedNames()
    {
        var error = Assert.Throws<ArgumentException>(() => Backbones.Create("vgg16", 3, 10));
        foreach (var name in Backbones.Names)
        {
            Assert.Contains(name, error.Message);
        }
        Assert.False(Backbones.IsKnown("vgg16"));
        Assert.True(Backbones.IsKnown("ResNet50"));
    }
}
