using SbirLab.Engine.Configs;
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
/// A run's objective: w_emb·L_emb + w_ce·L_ce over one batch. Cross-domain batches are embedded per
/// domain (each through its own backbone in a two-branch network); the embedding loss then takes
/// sketches as anchors and photos as candidates.
/// </summary>
public sealed class Objective
{
    private readonly LossConfig _loss;
    private readonly IEmbeddingLoss? _embeddingLoss;
    private readonly Generator _generator;
    private readonly int _seed;

    public Objective(RunConfig config, Device device)
    {
        _loss = config.Loss;
        _seed = config.Seed;
        _generator = new Generator((ulong)config.Seed, device);
        _embeddingLoss = LossFactory.For(config, _generator);
    }

    /// <summary>Computes the loss of a batch; <paramref name="step"/> re-seeds the miner so a resumed run mines the same triplets.</summary>
    /// <remarks>Nothing here reads a tensor on the host: the figures stay on the device until the trainer reads them once.</remarks>
    public StepLoss Compute(SiameseNetwork model, Tensor images, Tensor labels, Domain[] domains, long step)
    {
        _generator.manual_seed(StableSeed.Derive(_seed, step));
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

    /// <summary>Embeddings and logits for a batch, routing each domain through its own backbone when there are two.</summary>
    public static (Tensor Embeddings, Tensor? Logits) Encode(SiameseNetwork model, Tensor images, Domain[] domains)
    {
        var present = domains.Distinct().ToArray();
        if (present.Length == 1 || !model.IsTwoBranch)
        {
            var output = model.Encode(images, present.Length == 1 ? present[0] : Domain.Photo);
            return (output.Embedding, output.Logits);
        }
        Tensor? embeddings = null, logits = null;
        foreach (var domain in present)
        {
            var index = tensor(Enumerable.Range(0, domains.Length).Where(i => domains[i] == domain).Select(i => (long)i).ToArray(), device: images.device);
            var part = model.Encode(images.index_select(0, index), domain);
            embeddings = (embeddings ?? zeros(domains.Length, part.Embedding.shape[1], device: images.device)).index_copy(0, index, part.Embedding);
            if (part.Logits is not null)
                logits = (logits ?? zeros(domains.Length, part.Logits.shape[1], device: images.device)).index_copy(0, index, part.Logits);
        }
        return (embeddings!, logits);
    }
}
