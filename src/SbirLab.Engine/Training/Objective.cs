using SbirLab.Core.Configs;
using SbirLab.Engine.Losses;
using SbirLab.Engine.Models;
using static TorchSharp.torch;

namespace SbirLab.Engine.Training;

/// <summary>
/// One step's loss: <see cref="Total"/> to back-propagate, and <see cref="Figures"/>, the parts to log as one
/// float32 [5] tensor on the device (see <see cref="StepFigures"/>), so the trainer reads them in one host sync.
/// </summary>
public sealed record StepLoss(Tensor Total, Tensor Figures);

/// <summary>The figures of one step on the host; a part the objective does not have is NaN.</summary>
public readonly record struct StepFigures(double Total, double Embedding, double CrossEntropy, double Accuracy, double ActiveFraction)
{
    /// <summary>Reads a step's [total, embedding, cross-entropy, accuracy, active fraction] tensor: the step's one host sync.</summary>
    public static StepFigures Read(Tensor figures)
    {
        ArgumentNullException.ThrowIfNull(figures);
        using var host = figures.cpu();
        var v = host.data<float>().ToArray();
        return new StepFigures(v[0], v[1], v[2], v[3], v[4]);
    }
}

/// <summary>
/// A run's objective: w_emb·L_emb + w_ce·L_ce over one batch. Each image is embedded through its domain's
/// backbone and the shared head sees the whole batch at once; the embedding loss then takes sketches as
/// anchors and photos as candidates.
/// </summary>
public sealed class Objective
{
    private readonly LossConfig _loss;
    private readonly IEmbeddingLoss? _embeddingLoss;
    private readonly PairBinaryCrossEntropy? _pairLoss;
    private readonly Generator _generator;
    private readonly int _seed;

    public Objective(RunConfig config, Device device)
    {
        _loss = config.Loss;
        _seed = config.Seed;
        _generator = new Generator((ulong)config.Seed, device);
        _embeddingLoss = LossFactory.For(config, _generator);
        _pairLoss = LossFactory.PairLossFor(config);
    }

    /// <summary>Computes the loss of a batch; <paramref name="step"/> re-seeds the miner so a resumed run mines the same triplets.</summary>
    /// <remarks>Nothing here reads a tensor on the host: the figures stay on the device until the trainer reads them once.</remarks>
    public StepLoss Compute(SiameseNetwork model, Tensor images, Tensor labels, Domain[] domains, long step)
    {
        _generator.manual_seed(StableSeed.Derive(_seed, step));
        if (_pairLoss is not null) return ComputePairs(model, images, labels, domains);
        var (embeddings, logits) = Encode(model, images, domains);
        LossResult? embedding = null;
        if (_embeddingLoss is not null)
        {
            var (anchors, candidates) = CrossDomainMasks(domains, embeddings.device);
            embedding = _embeddingLoss.Compute(embeddings, labels, anchors, candidates);
        }
        var useLogits = logits is not null && _loss.CrossEntropyWeight > 0 ? logits : null;
        var crossEntropy = useLogits is null ? null : ClassificationLoss.CrossEntropy(useLogits, labels);
        var total = WeightedSum(_loss, embedding?.Loss, crossEntropy);
        var missing = full(1, double.NaN, ScalarType.Float32, images.device).squeeze();
        Tensor[] parts =
        [
            total, embedding?.Loss ?? missing, crossEntropy ?? missing,
            useLogits is null ? missing : useLogits.argmax(1).eq(labels).to_type(ScalarType.Float32).mean(),
            embedding?.ActiveShare() ?? missing,
        ];
        var figures = stack(parts.Select(t => t.detach().to_type(ScalarType.Float32)));
        return new StepLoss(total, figures);
    }

    /// <summary>
    /// Koch's objective (seed 001): the pair sampler's batch [first…, second…] through the shared network in one pass,
    /// the pair head's logits, binary cross-entropy against "same class"; the step's accuracy is the head's same /
    /// different accuracy (the validator keeps cross-entropy off for these runs).
    /// </summary>
    private StepLoss ComputePairs(SiameseNetwork model, Tensor images, Tensor labels, Domain[] domains)
    {
        var logits = model.PairLogitsOfHalves(images, domains[0]);
        var halves = labels.chunk(2, dim: 0);
        var pairLoss = _pairLoss!.Compute(logits, halves[0].eq(halves[1]));
        var total = WeightedSum(_loss, pairLoss.Loss, null);
        var missing = full(1, double.NaN, ScalarType.Float32, images.device).squeeze();
        var wrongShare = pairLoss.ActiveShare();
        Tensor[] parts = [total, pairLoss.Loss, missing, 1 - wrongShare, wrongShare];
        return new StepLoss(total, stack(parts.Select(t => t.detach().to_type(ScalarType.Float32))));
    }

    /// <summary>
    /// The run's total loss w_emb·L_emb + w_ce·L_ce (SPEC; seed 000 suggests 0.4 / 0.6). A part that is absent
    /// (null) is left out, so a run may train either loss alone.
    /// </summary>
    /// <exception cref="InvalidOperationException">Both parts are absent: nothing would be trained.</exception>
    public static Tensor WeightedSum(LossConfig weights, Tensor? embedding, Tensor? crossEntropy)
    {
        ArgumentNullException.ThrowIfNull(weights);
        return (embedding, crossEntropy) switch
        {
            ({ } e, { } c) => weights.EmbeddingWeight * e + weights.CrossEntropyWeight * c,
            ({ } e, null) => weights.EmbeddingWeight * e,
            (null, { } c) => weights.CrossEntropyWeight * c,
            _ => throw new InvalidOperationException("The objective has neither an embedding loss nor cross-entropy on logits: nothing to train."),
        };
    }

    /// <summary>Sketch anchors against photo candidates when a batch mixes domains; no masks otherwise.</summary>
    private static (Tensor? Anchors, Tensor? Candidates) CrossDomainMasks(Domain[] domains, Device device)
    {
        bool mixed = domains.Distinct().Count() > 1;
        if (!mixed) return (null, null);
        var isSketch = tensor(domains.Select(d => d == Domain.Sketch).ToArray(), device: device);
        return (isSketch, isSketch.logical_not());
    }

    /// <summary>Embeddings and logits for a batch: each domain through its own backbone, the shared head once (<see cref="SiameseNetwork.EncodeBatch"/>).</summary>
    public static (Tensor Embeddings, Tensor? Logits) Encode(SiameseNetwork model, Tensor images, Domain[] domains)
    {
        var output = model.EncodeBatch(images, domains);
        return (output.Embedding, output.Logits);
    }
}
