using System.Diagnostics.CodeAnalysis;
using TorchSharp;
using static TorchSharp.torch;

namespace SbirLab.Engine.Models;

/// <summary>
/// A feature extractor that a siamese network, an embedding head or a Koch pair head can sit on.
/// Implemented by <see cref="ConvNet"/> (seed 004, 256-D) and <see cref="ResNet"/> (512-D / 2048-D).
/// Every implementation is also a <see cref="nn.Module{Tensor, Tensor}"/> whose <c>forward</c> gives the
/// logits of its own classifier (or its pre-logits when it was built without one, i.e. <c>numClasses: 0</c>).
/// </summary>
public interface IBackbone
{
    /// <summary>Width of <see cref="Features"/> and <see cref="PreLogits"/>.</summary>
    int FeatureDimension { get; }

    /// <summary>Classes of the backbone's own classifier (the seed's last Linear, torchvision's fc); 0 when built without one.</summary>
    int NumClasses { get; }

    /// <summary>
    /// The representation the seeds call "features": for <see cref="ConvNet"/> the L2-normalised output of the layer
    /// before the classifier (seed 004), for <see cref="ResNet"/> the global-average-pooled output of layer4.
    /// </summary>
    Tensor Features(Tensor x);

    /// <summary>The raw (not normalised) activations of the layer before the classifier, [B, FeatureDimension].</summary>
    Tensor PreLogits(Tensor x);

    /// <summary>The backbone's own classifier applied to <see cref="PreLogits"/>; throws when <see cref="NumClasses"/> is 0.</summary>
    Tensor ClassifierLogits(Tensor preLogits);
}

/// <summary>Helpers shared by the backbone implementations.</summary>
internal static class BackboneGuards
{
    public static nn.Module AsModule(this IBackbone backbone) =>
        backbone as nn.Module ?? throw new ArgumentException($"{backbone.GetType().Name} is not a torch module.", nameof(backbone));

    [DoesNotReturn]
    public static void ThrowNoClassifier(string name) =>
        throw new InvalidOperationException($"{name} was built without a classifier (numClasses = 0).");
}
