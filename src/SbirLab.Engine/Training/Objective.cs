using SbirLab.Core.Configs;
using SbirLab.Engine.Losses;
using SbirLab.Engine.Models;
using static TorchSharp.torch;

namespace SbirLab.Engine.Training;

/// <summary>Loss parts of one step, for logging; the tensor is the weighted total to back-propagate.</summary>
public sealed record StepLoss(Tensor Total, double Embedding, double CrossEntropy, double Accuracy, double ActiveFraction);

/// <summary>
/// A run's objective: w_emb·L_emb + w_ce·L_ce over one batch. Each image is embedded through its domain's
/// backbone and the shared head sees the whole batch at once; the embedding loss then takes sketches as
/// anchors and photos as candidates.
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
        bool hasEmbedding = config.Loss.HasEmbeddingTerm;
        if (hasEmbedding && config.Batch.Sampler == SamplerKind.Pairs) _pairLoss = new ContrastiveLoss(config.Loss.Margin);
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

    /// <summary>Embeddings and logits for a batch: each domain through its own backbone, the shared head once (<see cref="SiameseNetwork.EncodeBatch"/>).</summary>
    public static (Tensor Embeddings, Tensor? Logits) Encode(SiameseNetwork model, Tensor images, Domain[] domains)
    {
        var output = model.EncodeBatch(images, domains);
        return (output.Embedding, output.Logits);
    }
}
