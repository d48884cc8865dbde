using SbirLab.Engine.Configs;
using SbirLab.Engine.Miners;
using static TorchSharp.torch;

namespace SbirLab.Engine.Losses;

/// <summary>Builds embedding losses and triplet miners from their configuration names.</summary>
public static class LossFactory
{
    /// <summary>The loss names <see cref="Create"/> accepts.</summary>
    public static IReadOnlyList<string> LossNames { get; } = ["contrastive", "triplet", "smooth-ap"];

    /// <summary>The miner names <see cref="CreateMiner"/> accepts.</summary>
    public static IReadOnlyList<string> MinerNames { get; } = ["batch-all", "semi-hard", "hard", "all"];

    /// <summary>
    /// Creates the loss called <paramref name="name"/> (case-insensitive). <paramref name="margin"/> is the contrastive
    /// margin m (Euclidean) or the triplet margin α (squared); <paramref name="tau"/> is Smooth-AP's temperature;
    /// <paramref name="miner"/> is read only for "triplet"; <paramref name="anchors"/> is the k of "smooth-ap" and of the
    /// "batch-all" miner; <paramref name="generator"/> feeds the "semi-hard" miner. Reductions are the defaults (mean).
    /// </summary>
    /// <remarks><paramref name="pairedHalves"/>: the batches are N given pairs (i, N + i), as the pair sampler lays them out (contrastive only).</remarks>
    /// <exception cref="ArgumentException">An unknown loss or miner name (the message lists the allowed ones).</exception>
    public static IEmbeddingLoss Create(string name, double margin, double tau, string miner, int anchors, Generator? generator, bool pairedHalves = false) =>
        Normalise(name) switch
        {
            "contrastive" => new ContrastiveLoss(margin, pairedHalves: pairedHalves),
            "triplet" => new MinedTripletLoss(new TripletLoss(margin), CreateMiner(miner, margin, anchors, generator)),
            "smooth-ap" => new SmoothApLoss(tau, anchors),
            _ => throw UnknownName("loss", name, LossNames),
        };

    /// <summary>Creates the miner called <paramref name="name"/> (case-insensitive); "semi-hard" needs a generator.</summary>
    /// <exception cref="ArgumentException">An unknown name, or "semi-hard" without a generator.</exception>
    public static TripletMiner CreateMiner(string name, double margin, int anchors, Generator? generator) =>
        Normalise(name) switch
        {
            "batch-all" => new BatchAllMiner(anchors),
            "semi-hard" => new SemiHardMiner(margin, generator ?? throw new ArgumentException("The semi-hard miner needs a seeded Generator.", nameof(generator))),
            "hard" => new HardMiner(),
            "all" => BatchAllMiner.AllAnchors(),
            _ => throw UnknownName("miner", name, MinerNames),
        };

    /// <summary>
    /// The embedding loss a run config asks for, or null when it trains cross-entropy alone (no embedding loss,
    /// or a zero weight). The pair sampler's batches make a contrastive loss over their given pairs.
    /// </summary>
    public static IEmbeddingLoss? For(RunConfig config, Generator generator)
    {
        ArgumentNullException.ThrowIfNull(config);
        var loss = config.Loss;
        if (loss.Embedding == "none" || loss.EmbeddingWeight <= 0)
        {
            return null;
        }

        return Create(loss.Embedding, loss.Margin, loss.Tau, loss.Miner, loss.Anchors, generator, pairedHalves: config.Batch.Sampler == "pairs");
    }

    private static string Normalise(string? name) => name?.Trim().ToLowerInvariant() ?? string.Empty;

    private static ArgumentException UnknownName(string kind, string? name, IReadOnlyList<string> allowed) =>
        new($"Unknown {kind} '{name}'. Allowed: {string.Join(", ", allowed)}.", nameof(name));
}
