using SbirLab.Core.Configs;
using SbirLab.Engine.Miners;
using static TorchSharp.torch;

namespace SbirLab.Engine.Losses;

/// <summary>Builds the embedding loss and the triplet miner a run configuration names.</summary>
public static class LossFactory
{
    /// <summary>
    /// Creates the embedding loss <paramref name="kind"/>. <paramref name="margin"/> is the contrastive margin m
    /// (Euclidean) or the triplet margin α (squared); <paramref name="tau"/> is Smooth-AP's temperature;
    /// <paramref name="miner"/> is read only for the triplet loss; <paramref name="anchors"/> is the k of Smooth-AP and of
    /// the batch-all miner; <paramref name="generator"/> feeds the semi-hard miner; <paramref name="reduction"/> combines the terms (loss.reduction).
    /// </summary>
    /// <remarks><paramref name="pairedHalves"/>: the batches are N given pairs (i, N + i), as the pair sampler lays them out (contrastive only).</remarks>
    /// <exception cref="ArgumentException"><see cref="EmbeddingLossKind.None"/>: there is no loss to build.</exception>
    public static IEmbeddingLoss Create(EmbeddingLossKind kind, double margin, double tau, MinerKind miner, int anchors, Generator? generator, bool pairedHalves = false,
        LossReduction reduction = LossReduction.Mean) =>
        kind switch
        {
            EmbeddingLossKind.Contrastive => new ContrastiveLoss(margin, reduction, pairedHalves),
            EmbeddingLossKind.Triplet => new MinedTripletLoss(new TripletLoss(margin, reduction), CreateMiner(miner, margin, anchors, generator)),
            EmbeddingLossKind.SmoothAp => new SmoothApLoss(tau, anchors, reduction),
            EmbeddingLossKind.None => throw new ArgumentException("loss.embedding is none: the objective has no embedding term to build.", nameof(kind)),
            EmbeddingLossKind.BinaryCrossEntropy => throw new ArgumentException("binary-cross-entropy scores the pair head's logits, not embeddings: see LossFactory.PairLossFor.", nameof(kind)),
        };

    /// <summary>Creates the miner <paramref name="kind"/>; the semi-hard miner needs a generator.</summary>
    /// <exception cref="ArgumentException">The semi-hard miner without a generator.</exception>
    public static TripletMiner CreateMiner(MinerKind kind, double margin, int anchors, Generator? generator) =>
        kind switch
        {
            MinerKind.BatchAll => new BatchAllMiner(anchors),
            MinerKind.SemiHard => new SemiHardMiner(margin, generator ?? throw new ArgumentException("The semi-hard miner needs a seeded Generator.", nameof(generator))),
            MinerKind.Hard => new HardMiner(),
            MinerKind.All => BatchAllMiner.AllAnchors(),
        };

    /// <summary>The pair head's loss a run config asks for (loss.embedding = binary-cross-entropy, seed 001), or null.</summary>
    public static PairBinaryCrossEntropy? PairLossFor(RunConfig config)
    {
        ArgumentNullException.ThrowIfNull(config);
        return config.Loss.HasEmbeddingTerm && config.Loss.Embedding == EmbeddingLossKind.BinaryCrossEntropy ? new PairBinaryCrossEntropy() : null;
    }

    /// <summary>
    /// The embedding loss a run config asks for, or null when it trains cross-entropy alone (no embedding loss,
    /// or a zero weight; also null for the pair head's binary cross-entropy, <see cref="PairLossFor"/>). The pair sampler's batches make a contrastive loss over their given pairs.
    /// </summary>
    public static IEmbeddingLoss? For(RunConfig config, Generator generator)
    {
        ArgumentNullException.ThrowIfNull(config);
        var loss = config.Loss;
        if (!loss.HasEmbeddingTerm || loss.Embedding == EmbeddingLossKind.BinaryCrossEntropy)
        {
            return null;
        }

        return Create(loss.Embedding, loss.Margin, loss.Tau, loss.Miner, loss.Anchors, generator, pairedHalves: config.Batch.Sampler == SamplerKind.Pairs, loss.Reduction);
    }
}
