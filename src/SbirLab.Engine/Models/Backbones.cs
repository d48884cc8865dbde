using SbirLab.Core.Configs;

namespace SbirLab.Engine.Models;

/// <summary>Builds the backbone a run configuration names.</summary>
public static class Backbones
{
    /// <summary>
    /// Builds <paramref name="kind"/>; <paramref name="numClasses"/> 0 builds it without its own classifier. Only seed 002's
    /// network is sized for one <paramref name="imageSize"/> (its first Linear reads every pixel); the others pool.
    /// </summary>
    public static IBackbone Create(BackboneKind kind, int inputChannels, int numClasses, int imageSize = 28) => kind switch
    {
        BackboneKind.ConvNet => new ConvNet(numClasses, inputChannels),
        BackboneKind.ResNet18 => ResNet.Create(18, numClasses, inputChannels),
        BackboneKind.ResNet34 => ResNet.Create(34, numClasses, inputChannels),
        BackboneKind.ResNet50 => ResNet.Create(50, numClasses, inputChannels),
        BackboneKind.Koch => new KochNet(numClasses, inputChannels),
        BackboneKind.Seed002 => new Seed002Net(imageSize, numClasses, inputChannels),
    };
}
