using SbirLab.Core.Configs;

namespace SbirLab.Engine.Models;

/// <summary>Which input domain an image comes from; picks the backbone in two-branch mode.</summary>
public enum Domain
{
    /// <summary>A query sketch.</summary>
    Sketch,

    /// <summary>A gallery photo.</summary>
    Photo,
}

/// <summary>How to build a <see cref="SiameseNetwork"/>.</summary>
/// <param name="SketchBackbone">Backbone of the sketch branch, or of the single shared backbone.</param>
/// <param name="PhotoBackbone">Backbone of the photo branch (two-branch mode); null means the same as <paramref name="SketchBackbone"/>.</param>
/// <param name="TwoBranch">True: a sketch backbone and a photo backbone with separate weights (seed 000); false: one shared backbone (seeds 001, 002, 004).</param>
/// <param name="UseHead">True: the shared <see cref="EmbeddingHead"/> and <see cref="ClassifierHead"/> sit on the backbones (seed 000);
/// false: the embedding is the normalised backbone feature and the logits come from the backbone's own classifier (seed 004).</param>
/// <param name="HiddenDim">Hidden width of the embedding head.</param>
/// <param name="EmbeddingDim">Embedding width of the head (ignored without the head: the embedding is then the backbone's feature width).</param>
/// <param name="NumClasses">Classes of the cross-entropy term; 0 builds no classifier at all.</param>
/// <param name="InputChannels">Channels of the input images (1 for FashionMNIST, 3 for RGB).</param>
/// <param name="PairHead">Koch's pair head on the shared network (seed 001): |h1 − h2| → Linear → sigmoid.</param>
/// <param name="ImageSize">Side of the square inputs, for a backbone sized for one (seed 002's network).</param>
public sealed record SiameseOptions(
    BackboneKind SketchBackbone = BackboneKind.ResNet34,
    BackboneKind? PhotoBackbone = null,
    bool TwoBranch = true,
    bool UseHead = true,
    int HiddenDim = 512,
    int EmbeddingDim = 512,
    int NumClasses = 250,
    int InputChannels = 3,
    bool PairHead = false,
    int ImageSize = 28)
{
    /// <summary>The backbone the photo branch gets.</summary>
    public BackboneKind EffectivePhotoBackbone => PhotoBackbone ?? SketchBackbone;

    /// <summary>Seed 004's setting: one ConvNet, no head, its own 10-way classifier, grey images.</summary>
    public static SiameseOptions Seed004ConvNet { get; } =
        new(BackboneKind.ConvNet, TwoBranch: false, UseHead: false, NumClasses: 10, InputChannels: 1);

    /// <summary>Seed 000's setting: a ResNet-34 per domain, the shared 512 → 512 → 512 head, a 250-way classifier.</summary>
    public static SiameseOptions Seed000TwoBranch { get; } = new();
}

/// <summary>One pass of a <see cref="SiameseNetwork"/>: the unit-norm embedding [B, E] and, when the network classifies, the logits [B, classes].</summary>
public sealed record SiameseOutput(TorchSharp.torch.Tensor Embedding, TorchSharp.torch.Tensor? Logits);
