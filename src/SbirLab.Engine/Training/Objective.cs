using SbirLab.Core.Configs;
using SbirLab.Engine.Losses;
using SbirLab.Engine.Models;
using static TorchSharp.torch;

namespace SbirLab.Engine.Training;

/// <summary>Loss parts of one step, for logging; the tensor is the weighted total to back-propagate.</summary>
public sealed record StepLoss(Tensor Total, double Embedding, double CrossEntropy, double Accuracy, double ActiveFraction);

/// <summary>
/// A run's objective: w_emb·L_emb + w_ce·L_ce over one batch. Cross-domain batches are embedded per
/// domain (each through its own backbone in a two-branch network); the embedding loss then takes
/// sketches as anchors and photos as candidates.
/// </summary>
public sealed class Objective
{
    private readonly LossConfig _loss;
    private readonly IEmbeddingLoss? _embeddingLoss;
    private readonly ContrastiveLoss? _pairLoss;
    private readonly Generator _generator;
    private readonly int _seed;

    public Objective(RunConfig config, Device device)
    {
        _loss = config.Loss;
        _seed = config.Seed;
        _generator = new Generator((ulong)config.Seed, device);
        bool hasEmbedding = config.Loss.Embedding != "none" && config.Loss.EmbeddingWeight > 0;
        if (hasEmbedding && config.Batch.Sampler == "pairs") _pairLoss = new ContrastiveLoss(config.Loss.Margin);
        else if (hasEmbedding)
            _embeddingLoss = LossFactory.Create(config.Loss.Embedding, config.Loss.Margin, config.Loss.Tau, config.Loss.Miner, config.Loss.Anchors, _generator);
    }

    /// <summary>Computes the loss of a batch; <paramref name="step"/> re-seeds the miner so a resumed run mines the same triplets.</summary>
    public StepLoss Compute(SiameseNetwork model, Tensor images, Tensor labels, Domain[] domains, long step)
    {
        _generator.manual_seed(StableSeed.Derive(_seed, step));
        var (embeddings, logits) = Encode(model, images, domains);
        var total = zeros(1, device: images.device).squeeze();
        double embeddingValue = 0, ceValue = 0, accuracy = double.NaN, active = double.NaN;
        if (_embeddingLoss is not null || _pairLoss is not null)
        {
            var (loss, fraction) = EmbeddingLoss(embeddings, labels, domains);
            embeddingValue = loss.item<float>();
            active = fraction;
            total = total + _loss.EmbeddingWeight * loss;
        }
        if (logits is not null && _loss.CrossEntropyWeight > 0)
        {
            var ce = ClassificationLoss.CrossEntropy(logits, labels);
            ceValue = ce.item<float>();
            accuracy = logits.argmax(1).eq(labels).to_type(ScalarType.Float32).mean().item<float>();
            total = total + _loss.CrossEntropyWeight * ce;
        }
        return new StepLoss(total, embeddingValue, ceValue, accuracy, active);
    }

    private (Tensor Loss, double ActiveFraction) EmbeddingLoss(Tensor embeddings, Tensor labels, Domain[] domains)
    {
        if (_pairLoss is not null)
        {
            long half = embeddings.shape[0] / 2;
            var same = labels[..(int)half].eq(labels[(int)half..]);
            return (_pairLoss.Forward(embeddings[..(int)half], embeddings[(int)half..], same), double.NaN);
        }
        var (anchors, candidates) = CrossDomainMasks(domains, embeddings.device);
        var result = _embeddingLoss!.Compute(embeddings, labels, anchors, candidates);
        return (result.Loss, result.ActiveFraction);
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
