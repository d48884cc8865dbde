using SbirLab.Core.Configs;
using static TorchSharp.torch;

namespace SbirLab.Engine.Miners;

/// <summary>
/// Chooses (anchor, positive, negative) triplets inside a labelled batch from its squared-distance matrix.
/// A positive has the anchor's label and is not the anchor; a negative has a different label.
/// </summary>
/// <remarks>
/// The optional masks make the mining cross-domain: <c>anchorMask</c> (bool [B]) says which items may be
/// anchors (e.g. the sketches), <c>candidateMask</c> (bool [B]) which may be positives or negatives (e.g. the
/// photos). Null means "every item". Mining never needs gradients: the distances are only compared.
/// </remarks>
public interface ITripletMiner
{
    /// <summary>The miner's configuration name (<see cref="MinerKind"/>).</summary>
    string Name { get; }

    /// <summary>Mines triplets from a [B, B] squared-distance matrix and labels [B] (int64).</summary>
    TripletIndices Mine(Tensor squaredDistances, Tensor labels, Tensor? anchorMask = null, Tensor? candidateMask = null);
}

/// <summary>Conveniences shared by all miners.</summary>
public static class TripletMinerExtensions
{
    /// <summary>Mines from embeddings [B, D] by first computing their squared Euclidean distance matrix.</summary>
    public static TripletIndices MineFromEmbeddings(
        this ITripletMiner miner, Tensor embeddings, Tensor labels, Tensor? anchorMask = null, Tensor? candidateMask = null)
    {
        ArgumentNullException.ThrowIfNull(miner);
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        var distances = PairwiseDistances.SquaredEuclidean(embeddings, embeddings);
        return miner.Mine(distances, labels, anchorMask, candidateMask).MoveToOuterDisposeScope();
    }
}
