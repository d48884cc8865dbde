using static TorchSharp.torch;

namespace SbirLab.Engine.Losses;

/// <summary>
/// A loss over a labelled batch of embeddings, chosen by configuration name (see <see cref="LossFactory"/>), so
/// a trainer can call every metric-learning loss the same way.
/// </summary>
/// <remarks>
/// The optional bool [B] masks restrict which items act as anchors / queries (<c>anchorMask</c>, e.g. sketches)
/// and which as the items compared with them (<c>candidateMask</c>, e.g. photos), for cross-domain training.
/// </remarks>
public interface IEmbeddingLoss
{
    /// <summary>The configuration name (<see cref="SbirLab.Core.Configs.EmbeddingLossKind"/>).</summary>
    string Name { get; }

    /// <summary>Computes the loss of embeddings [B, D] (float32) with labels [B] (int64).</summary>
    LossResult Compute(Tensor embeddings, Tensor labels, Tensor? anchorMask = null, Tensor? candidateMask = null);
}
