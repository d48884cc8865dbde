using TorchSharp;
using TorchSharp.Modules;
using TorchSharp.Utils;
using static TorchSharp.torch;

namespace SbirLab.Engine.Models;

/// <summary>
/// The small FashionMNIST network of seed 004, layer for layer:
/// Conv2d(c,32,3) ReLU MaxPool(2,2) Conv2d(32,32,3) ReLU MaxPool(2,2) Conv2d(32,64,3) ReLU AdaptiveAvgPool((2,2)) Flatten Linear(256, classes).
/// </summary>
/// <remarks>
/// The seed defines it as an <c>nn.Sequential</c> subclass, so its checkpoint names are the layer indices:
/// "0.weight", "0.bias" (first conv), "3.*" (second conv), "6.*" (third conv) and "10.*" (classifier).
/// This class registers its layers under exactly those indices, so a seed state dict maps one-to-one without renaming
/// (the seed's extra <c>self.layers</c> list is a plain Python list and adds no names).
/// <c>forward</c> gives the logits; <see cref="Features"/> is the seed's <c>features(x)</c>.
/// </remarks>
public sealed class ConvNet : nn.Module<Tensor, Tensor>, IBackbone
{
    /// <summary>Width of the flattened 64×2×2 map that feeds the classifier.</summary>
    public const int FeatureWidth = 64 * 2 * 2;

    [ComponentName(Name = "0")] private readonly Conv2d conv1;
    [ComponentName(Name = "1")] private readonly ReLU relu1;
    [ComponentName(Name = "2")] private readonly MaxPool2d pool1;
    [ComponentName(Name = "3")] private readonly Conv2d conv2;
    [ComponentName(Name = "4")] private readonly ReLU relu2;
    [ComponentName(Name = "5")] private readonly MaxPool2d pool2;
    [ComponentName(Name = "6")] private readonly Conv2d conv3;
    [ComponentName(Name = "7")] private readonly ReLU relu3;
    [ComponentName(Name = "8")] private readonly AdaptiveAvgPool2d pool3;
    [ComponentName(Name = "9")] private readonly Flatten flatten;
    [ComponentName(Name = "10")] private readonly Linear? classifier;

    /// <summary>Builds the network; <paramref name="numClasses"/> 0 leaves out the final Linear (forward then gives pre-logits).</summary>
    public ConvNet(int numClasses = 10, int inputChannels = 1) : base(nameof(ConvNet))
    {
        ArgumentOutOfRangeException.ThrowIfNegative(numClasses);
        ArgumentOutOfRangeException.ThrowIfLessThan(inputChannels, 1);
        NumClasses = numClasses;
        InputChannels = inputChannels;
        conv1 = nn.Conv2d(inputChannels, 32, 3);
        relu1 = nn.ReLU(inplace: true);
        pool1 = nn.MaxPool2d(2, 2);
        conv2 = nn.Conv2d(32, 32, 3);
        relu2 = nn.ReLU(inplace: true);
        pool2 = nn.MaxPool2d(2, 2);
        conv3 = nn.Conv2d(32, 64, 3);
        relu3 = nn.ReLU(inplace: true);
        pool3 = nn.AdaptiveAvgPool2d((2, 2));
        flatten = nn.Flatten();
        classifier = numClasses > 0 ? nn.Linear(FeatureWidth, numClasses) : null;
        RegisterComponents();
    }

    /// <inheritdoc/>
    public int FeatureDimension => FeatureWidth;

    /// <inheritdoc/>
    public int NumClasses { get; }

    /// <summary>Channels of the input images (1 for FashionMNIST, 3 for RGB).</summary>
    public int InputChannels { get; }

    /// <summary>Logits [B, NumClasses], or the pre-logits when built without a classifier.</summary>
    public override Tensor forward(Tensor input)
    {
        var preLogits = PreLogits(input);
        return classifier is null ? preLogits : classifier.call(preLogits);
    }

    /// <summary>The seed's <c>features(x)</c>: the 256-D output before the classifier, L2-normalised per sample (p = 2, dim = 1).</summary>
    public Tensor Features(Tensor x) => nn.functional.normalize(PreLogits(x), p: 2, dim: 1);

    /// <inheritdoc/>
    public Tensor PreLogits(Tensor x)
    {
        var h = pool1.call(relu1.call(conv1.call(x)));
        h = pool2.call(relu2.call(conv2.call(h)));
        h = pool3.call(relu3.call(conv3.call(h)));
        return flatten.call(h);
    }

    /// <inheritdoc/>
    public Tensor ClassifierLogits(Tensor preLogits)
    {
        if (classifier is null) BackboneGuards.ThrowNoClassifier(nameof(ConvNet));
        return classifier.call(preLogits);
    }
}
