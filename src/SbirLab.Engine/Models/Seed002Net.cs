using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace SbirLab.Engine.Models;

/// <summary>
/// Seed 002's network: Conv2d → ReLU → BatchNorm2d three times, then Linear → ReLU → Linear → ReLU → Linear, whose output
/// (no activation) is the feature vector. The seed names the layer sequence only; its widths follow the widely copied
/// PyTorch siamese tutorial (Facial-Similarity-with-Siamese-Networks) whose 100×100 grey inputs, contrastive loss and Adam
/// at 0.0005 the seed matches: 3×3 convolutions padded by one pixel (so the map keeps the input's side) with 4, 8 and 8
/// channels, 500-unit hidden layers and 128 outputs.
/// </summary>
/// <remarks>
/// The padding is zeros (the tutorial reflects the border), and <see cref="Features"/> is L2-normalised as every embedding
/// of the lab. As the map keeps its side, the flattened map is 8 × side², which makes the
/// first Linear the largest layer (40 M weights at the seed's 100×100, 2.5 M at 28×28): the validator caps the side.
/// Names: "conv1".."conv3", "bn1".."bn3", "fc1".."fc3" and, when built with classes, "classifier" over the features.
/// </remarks>
public sealed class Seed002Net : nn.Module<Tensor, Tensor>, IBackbone
{
    /// <summary>Width of the last Linear: the feature vector.</summary>
    public const int FeatureWidth = 128;

    /// <summary>Width of the two hidden Linear layers (the tutorial's 500).</summary>
    public const int HiddenWidth = 500;

    /// <summary>Channels of the last convolution, which the first Linear reads at every pixel.</summary>
    public const int MapChannels = 8;

    private readonly Conv2d conv1, conv2, conv3;
    private readonly BatchNorm2d bn1, bn2, bn3;
    private readonly Linear fc1, fc2, fc3;
    private readonly Linear? classifier;

    /// <summary>Builds the network for square inputs of <paramref name="imageSize"/> pixels; <paramref name="numClasses"/> 0 leaves out the classifier.</summary>
    public Seed002Net(int imageSize, int numClasses = 0, int inputChannels = 1) : base(nameof(Seed002Net))
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(imageSize, 1);
        ArgumentOutOfRangeException.ThrowIfNegative(numClasses);
        ArgumentOutOfRangeException.ThrowIfLessThan(inputChannels, 1);
        ImageSize = imageSize;
        NumClasses = numClasses;
        conv1 = nn.Conv2d(inputChannels, 4, 3, padding: 1);
        bn1 = nn.BatchNorm2d(4);
        conv2 = nn.Conv2d(4, 8, 3, padding: 1);
        bn2 = nn.BatchNorm2d(8);
        conv3 = nn.Conv2d(8, MapChannels, 3, padding: 1);
        bn3 = nn.BatchNorm2d(MapChannels);
        fc1 = nn.Linear(MapChannels * imageSize * imageSize, HiddenWidth);
        fc2 = nn.Linear(HiddenWidth, HiddenWidth);
        fc3 = nn.Linear(HiddenWidth, FeatureWidth);
        classifier = numClasses > 0 ? nn.Linear(FeatureWidth, numClasses) : null;
        RegisterComponents();
    }

    /// <summary>The input side the first Linear is sized for.</summary>
    public int ImageSize { get; }

    /// <inheritdoc/>
    public int FeatureDimension => FeatureWidth;

    /// <inheritdoc/>
    public int NumClasses { get; }

    /// <summary>Logits [B, NumClasses], or the features when built without a classifier.</summary>
    public override Tensor forward(Tensor input)
    {
        var features = PreLogits(input);
        return classifier is null ? features : classifier.call(features);
    }

    /// <summary>The feature vector, L2-normalised as every embedding of the lab is (distances then lie in [0, 2]).</summary>
    public Tensor Features(Tensor x) => nn.functional.normalize(PreLogits(x), p: 2, dim: 1);

    /// <inheritdoc/>
    public Tensor PreLogits(Tensor x)
    {
        if (x.shape[^1] != ImageSize || x.shape[^2] != ImageSize)
            throw new ArgumentException($"Seed 002's network was built for {ImageSize}×{ImageSize} images (model.imageSize), got {x.shape[^2]}×{x.shape[^1]}.", nameof(x));
        var h = bn1.call(nn.functional.relu(conv1.call(x)));
        h = bn2.call(nn.functional.relu(conv2.call(h)));
        h = bn3.call(nn.functional.relu(conv3.call(h)));
        h = nn.functional.relu(fc1.call(h.flatten(1)));
        h = nn.functional.relu(fc2.call(h));
        return fc3.call(h);
    }

    /// <inheritdoc/>
    public Tensor ClassifierLogits(Tensor preLogits)
    {
        if (classifier is null) BackboneGuards.ThrowNoClassifier(nameof(Seed002Net));
        return classifier.call(preLogits);
    }
}
