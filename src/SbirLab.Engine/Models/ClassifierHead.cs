using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace SbirLab.Engine.Models;

/// <summary>
/// A linear classifier over the embedding, shared by both domains, that gives the cross-entropy term (seed 000).
/// </summary>
/// <remarks>
/// It owns its parameters directly, so under a network they read "classifier.weight" [classes, E] and "classifier.bias" [classes];
/// they are initialised as <c>nn.Linear</c> does (Kaiming-uniform with a = √5, bias uniform in ±1/√E).
/// </remarks>
public sealed class ClassifierHead : nn.Module<Tensor, Tensor>
{
    private Parameter weight;
    private Parameter bias;

    /// <summary>Builds a <paramref name="numClasses"/>-way classifier over <paramref name="embeddingDim"/>-wide embeddings.</summary>
    public ClassifierHead(int embeddingDim, int numClasses) : base(nameof(ClassifierHead))
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(embeddingDim, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(numClasses, 1);
        EmbeddingDim = embeddingDim;
        NumClasses = numClasses;
        weight = new Parameter(torch.empty(numClasses, embeddingDim));
        bias = new Parameter(torch.empty(numClasses));
        InitialiseLikeLinear();
        RegisterComponents();
    }

    /// <summary>Width of the embeddings it classifies.</summary>
    public int EmbeddingDim { get; }

    /// <summary>Number of classes.</summary>
    public int NumClasses { get; }

    /// <summary>The weight [NumClasses, EmbeddingDim].</summary>
    public Parameter Weight => weight;

    /// <summary>The bias [NumClasses].</summary>
    public Parameter Bias => bias;

    /// <summary>Logits [B, NumClasses] of embeddings [B, EmbeddingDim].</summary>
    public override Tensor forward(Tensor input) => nn.functional.linear(input, weight, bias);

    private void InitialiseLikeLinear()
    {
        using var noGrad = torch.no_grad();
        nn.init.kaiming_uniform_(weight, a: Math.Sqrt(5));
        var bound = 1.0 / Math.Sqrt(EmbeddingDim);
        nn.init.uniform_(bias, -bound, bound);
    }
}
