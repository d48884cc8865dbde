using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace SbirLab.Engine.Models;

/// <summary>
/// Koch et al.'s pair head (seed 001): the element-wise L1 distance |h1 − h2| of two images' features goes through
/// Linear(featureDim, 1); its sigmoid is P(same class). Trained with binary cross-entropy on the logit
/// (<see cref="Losses.PairBinaryCrossEntropy"/>). It sits on a shared-weight <see cref="SiameseNetwork"/> as "pair.*"
/// ("pair.fc.weight" [1, featureDim], "pair.fc.bias" [1]), which feeds it both images' features from one pass.
/// </summary>
public sealed class KochPairHead : nn.Module<Tensor, Tensor, Tensor>
{
    private readonly Linear fc;

    /// <summary>A head over features of width <paramref name="featureDim"/>.</summary>
    public KochPairHead(int featureDim) : base(nameof(KochPairHead))
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(featureDim, 1);
        FeatureDim = featureDim;
        fc = nn.Linear(featureDim, 1);
        RegisterComponents();
    }

    /// <summary>Width of the features it compares.</summary>
    public int FeatureDim { get; }

    /// <summary>Pre-sigmoid scores [B] of feature pairs (h1[i], h2[i]), for <c>binary_cross_entropy_with_logits</c>.</summary>
    public override Tensor forward(Tensor h1, Tensor h2)
    {
        ArgumentNullException.ThrowIfNull(h1);
        ArgumentNullException.ThrowIfNull(h2);
        if (!h1.shape.SequenceEqual(h2.shape))
        {
            throw new ArgumentException($"Pair features differ in shape: [{string.Join(", ", h1.shape)}] and [{string.Join(", ", h2.shape)}].", nameof(h2));
        }
        return fc.call((h1 - h2).abs()).squeeze(-1);
    }
}
