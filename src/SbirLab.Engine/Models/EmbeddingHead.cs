using TorchSharp;
using TorchSharp.Modules;
using TorchSharp.Utils;
using static TorchSharp.torch;

namespace SbirLab.Engine.Models;

/// <summary>
/// The two fully-connected layers of seed 000's reference code, shared by both domains:
/// Linear(in, hidden) → BatchNorm1d(hidden) → ReLU → Linear(hidden, embedding), then per-sample L2 normalisation.
/// </summary>
/// <remarks>
/// Layers are registered as "0".."3" like an <c>nn.Sequential</c>, so under a network the names read
/// "head.0.weight", "head.1.running_mean", "head.3.bias". BatchNorm1d in train mode needs batches of 2 or more.
/// </remarks>
public sealed class EmbeddingHead : nn.Module<Tensor, Tensor>
{
    [ComponentName(Name = "0")] private readonly Linear hidden;
    [ComponentName(Name = "1")] private readonly BatchNorm1d norm;
    [ComponentName(Name = "2")] private readonly ReLU relu;
    [ComponentName(Name = "3")] private readonly Linear projection;

    /// <summary>Builds the head for <paramref name="inputDim"/>-wide backbone features.</summary>
    public EmbeddingHead(int inputDim, int hiddenDim = 512, int embeddingDim = 512) : base(nameof(EmbeddingHead))
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(inputDim, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(hiddenDim, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(embeddingDim, 1);
        InputDim = inputDim;
        HiddenDim = hiddenDim;
        EmbeddingDim = embeddingDim;
        hidden = nn.Linear(inputDim, hiddenDim);
        norm = nn.BatchNorm1d(hiddenDim);
        relu = nn.ReLU(inplace: true);
        projection = nn.Linear(hiddenDim, embeddingDim);
        RegisterComponents();
    }

    /// <summary>Width of the backbone features the head takes.</summary>
    public int InputDim { get; }

    /// <summary>Width of the hidden layer.</summary>
    public int HiddenDim { get; }

    /// <summary>Width of the embedding.</summary>
    public int EmbeddingDim { get; }

    /// <summary>Unit-norm embeddings [B, EmbeddingDim] of features [B, InputDim].</summary>
    public override Tensor forward(Tensor input)
    {
        var h = relu.call(norm.call(hidden.call(input)));
        return nn.functional.normalize(projection.call(h), p: 2, dim: 1);
    }
}
