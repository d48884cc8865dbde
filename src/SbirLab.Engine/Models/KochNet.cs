using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace SbirLab.Engine.Models;

/// <summary>
/// Koch et al.'s convolutional branch (seed 001, Figure 2), scaled from 105×105 to 28×28 inputs:
/// Conv(c,64,5) ReLU MaxPool(2) → Conv(64,128,3) ReLU MaxPool(2) → Conv(128,128,2) ReLU → Conv(128,256,2) ReLU →
/// Flatten(256·3·3) → Linear(2304, 1024) → sigmoid. The sigmoid output is h, the vector whose |h1 − h2| the pair head reads.
/// </summary>
/// <remarks>
/// Koch's kernels (10, 7, 4, 4) shrink with the image (5, 3, 2, 2); the paper pools after each of its first three
/// convolutions, which at 28 pixels would leave no map for the last one, so the third pooling is left out; its
/// 4,096-unit sigmoid layer becomes 1,024 units for a CPU. Names: "conv1".."conv4", "fc" (the sigmoid layer) and,
/// when built with classes, "classifier" over h.
/// </remarks>
public sealed class KochNet : nn.Module<Tensor, Tensor>, IBackbone
{
    /// <summary>Width of h, the sigmoid layer.</summary>
    public const int FeatureWidth = 1024;

    /// <summary>The input side the layers are sized for.</summary>
    public const int InputSize = 28;

    private const int FlatWidth = 256 * 3 * 3;

    private readonly Conv2d conv1, conv2, conv3, conv4;
    private readonly Linear fc;
    private readonly Linear? classifier;

    /// <summary>Builds the branch; <paramref name="numClasses"/> 0 leaves out the classifier (forward then gives h).</summary>
    public KochNet(int numClasses = 0, int inputChannels = 1) : base(nameof(KochNet))
    {
        ArgumentOutOfRangeException.ThrowIfNegative(numClasses);
        ArgumentOutOfRangeException.ThrowIfLessThan(inputChannels, 1);
        NumClasses = numClasses;
        conv1 = nn.Conv2d(inputChannels, 64, 5);
        conv2 = nn.Conv2d(64, 128, 3);
        conv3 = nn.Conv2d(128, 128, 2);
        conv4 = nn.Conv2d(128, 256, 2);
        fc = nn.Linear(FlatWidth, FeatureWidth);
        classifier = numClasses > 0 ? nn.Linear(FeatureWidth, numClasses) : null;
        RegisterComponents();
    }

    /// <inheritdoc/>
    public int FeatureDimension => FeatureWidth;

    /// <inheritdoc/>
    public int NumClasses { get; }

    /// <summary>Logits [B, NumClasses], or h when built without a classifier.</summary>
    public override Tensor forward(Tensor input)
    {
        var h = PreLogits(input);
        return classifier is null ? h : classifier.call(h);
    }

    /// <summary>h: Koch's sigmoid feature vector [B, 1024] (not normalised: the pair head compares it as it is).</summary>
    public Tensor Features(Tensor x) => PreLogits(x);

    /// <inheritdoc/>
    public Tensor PreLogits(Tensor x)
    {
        if (x.shape[^1] != InputSize || x.shape[^2] != InputSize)
            throw new ArgumentException($"Koch's branch is sized for {InputSize}×{InputSize} images, got {x.shape[^2]}×{x.shape[^1]}.", nameof(x));
        var h = nn.functional.max_pool2d(nn.functional.relu(conv1.call(x)), 2);
        h = nn.functional.max_pool2d(nn.functional.relu(conv2.call(h)), 2);
        h = nn.functional.relu(conv3.call(h));
        h = nn.functional.relu(conv4.call(h));
        return torch.sigmoid(fc.call(h.flatten(1)));
    }

    /// <inheritdoc/>
    public Tensor ClassifierLogits(Tensor preLogits)
    {
        if (classifier is null) BackboneGuards.ThrowNoClassifier(nameof(KochNet));
        return classifier.call(preLogits);
    }
}
