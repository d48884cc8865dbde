using SbirLab.Core.Configs;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace SbirLab.Engine.Models;

/// <summary>
/// Koch et al.'s pair classifier (seed 001): one backbone embeds both images (weight tying), the element-wise L1
/// distance |h1 − h2| goes through Linear(featureDim, 1) and a sigmoid gives P(same class). Trained with binary cross-entropy.
/// </summary>
/// <remarks>
/// Names: "backbone.*" (the backbone's own names) and "fc.weight" [1, featureDim], "fc.bias" [1]. Both images go through
/// the backbone in one concatenated batch, so BatchNorm statistics in train mode are those of the pair batch and the output is
/// symmetric in its two inputs in train and eval mode alike.
/// </remarks>
public sealed class KochPairNetwork : nn.Module<Tensor, Tensor, Tensor>
{
    private readonly IBackbone backbone;
    private readonly Linear fc;

    /// <summary>Puts the pair head on <paramref name="backbone"/> (its <see cref="IBackbone.Features"/> are compared).</summary>
    public KochPairNetwork(IBackbone backbone) : base(nameof(KochPairNetwork))
    {
        ArgumentNullException.ThrowIfNull(backbone);
        _ = backbone.AsModule();
        this.backbone = backbone;
        fc = nn.Linear(backbone.FeatureDimension, 1);
        RegisterComponents();
    }

    /// <summary>Builds <paramref name="backbone"/> without its own classifier and puts the pair head on it.</summary>
    public static KochPairNetwork Create(BackboneKind backbone, int inputChannels) =>
        new(Backbones.Create(backbone, inputChannels, numClasses: 0));

    /// <summary>The shared branch.</summary>
    public IBackbone Backbone => backbone;

    /// <summary>P(same) [B] for image pairs (x1[i], x2[i]).</summary>
    public override Tensor forward(Tensor x1, Tensor x2) => torch.sigmoid(ForwardLogits(x1, x2));

    /// <summary>The same as <see cref="forward"/>.</summary>
    public Tensor Forward(Tensor x1, Tensor x2) => forward(x1, x2);

    /// <summary>Pre-sigmoid scores [B] for image pairs, for <c>binary_cross_entropy_with_logits</c>.</summary>
    public Tensor ForwardLogits(Tensor x1, Tensor x2)
    {
        ArgumentNullException.ThrowIfNull(x1);
        ArgumentNullException.ThrowIfNull(x2);
        if (x1.shape[0] != x2.shape[0])
        {
            throw new ArgumentException($"Pair batches differ in size: {x1.shape[0]} and {x2.shape[0]}.", nameof(x2));
        }
        var features = backbone.Features(torch.cat([x1, x2], dim: 0));
        var halves = features.chunk(2, dim: 0);
        return fc.call((halves[0] - halves[1]).abs()).squeeze(-1);
    }
}
