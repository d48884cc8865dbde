using TorchSharp;
using static TorchSharp.torch;

namespace SbirLab.Engine.Models;

/// <summary>
/// The SBIR siamese network: backbone(s), an optional shared embedding head and an optional shared classifier.
/// </summary>
/// <remarks>
/// <para>Shared-weight mode (seeds 001, 002, 004): one backbone, registered as "backbone.*", embeds both domains.
/// Two-branch mode (seed 000): a sketch backbone "sketch.*" and a photo backbone "photo.*" with separate weights;
/// the head "head.*" and the classifier "classifier.*" are single modules shared by both domains.
/// Backbone names below the prefix are torchvision's, so <see cref="LoadBackboneState"/> takes a plain backbone state dict.</para>
/// <para>With the head (<see cref="SiameseOptions.UseHead"/>): embedding = head(backbone pre-logits), logits = classifier(embedding);
/// the backbones are built without their own classifier. Without the head (seed 004): embedding = L2-normalised
/// backbone pre-logits (for ConvNet exactly the seed's <c>features</c>), logits = the backbone's own classifier over the
/// unnormalised pre-logits (for ConvNet exactly the seed's <c>forward</c>); so a "classification" run trains with
/// cross-entropy on <see cref="Encode"/>'s logits and evaluates <see cref="Embed"/>.</para>
/// </remarks>
public sealed class SiameseNetwork : nn.Module<Tensor, Domain, Tensor>
{
    private readonly IBackbone? backbone;
    private readonly IBackbone? sketch;
    private readonly IBackbone? photo;
    private readonly EmbeddingHead? head;
    private readonly ClassifierHead? classifier;
    private readonly KochPairHead? pair;

    private SiameseNetwork(SiameseOptions options, IBackbone sketchBackbone, IBackbone? photoBackbone, EmbeddingHead? head, ClassifierHead? classifier, KochPairHead? pair)
        : base(nameof(SiameseNetwork))
    {
        Options = options;
        if (photoBackbone is null)
        {
            backbone = sketchBackbone;
        }
        else
        {
            sketch = sketchBackbone;
            photo = photoBackbone;
        }
        this.head = head;
        this.classifier = classifier;
        this.pair = pair;
        RegisterComponents();
    }

    /// <summary>Builds the network that <paramref name="options"/> describes.</summary>
    /// <exception cref="ArgumentException">An unknown backbone name, or two different names in shared-weight mode.</exception>
    public static SiameseNetwork Create(SiameseOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentOutOfRangeException.ThrowIfNegative(options.NumClasses);
        if (!options.TwoBranch && options.PhotoBackbone is { } photoKind && photoKind != options.SketchBackbone)
        {
            throw new ArgumentException("A shared-weight network has one backbone; leave PhotoBackbone null or equal to SketchBackbone.", nameof(options));
        }
        if (options.PairHead && options.TwoBranch)
        {
            throw new ArgumentException("Koch's pair head sits on one shared network (weight tying), not on two branches.", nameof(options));
        }
        var backboneClasses = options.UseHead ? 0 : options.NumClasses;
        var sketchBackbone = Backbones.Create(options.SketchBackbone, options.InputChannels, backboneClasses, options.ImageSize);
        var photoBackbone = options.TwoBranch ? Backbones.Create(options.EffectivePhotoBackbone, options.InputChannels, backboneClasses, options.ImageSize) : null;
        if (photoBackbone is not null && photoBackbone.FeatureDimension != sketchBackbone.FeatureDimension)
        {
            throw new ArgumentException("Both branches must give features of the same width (the head, or the embedding space, is shared).", nameof(options));
        }
        var head = options.UseHead ? new EmbeddingHead(sketchBackbone.FeatureDimension, options.HiddenDim, options.EmbeddingDim) : null;
        var classifier = options.UseHead && options.NumClasses > 0 ? new ClassifierHead(options.EmbeddingDim, options.NumClasses) : null;
        var pair = options.PairHead ? new KochPairHead(options.UseHead ? options.EmbeddingDim : sketchBackbone.FeatureDimension) : null;
        return new SiameseNetwork(options, sketchBackbone, photoBackbone, head, classifier, pair);
    }

    /// <summary>The options it was built from.</summary>
    public SiameseOptions Options { get; }

    /// <summary>True when sketches and photos go through different backbones.</summary>
    public bool IsTwoBranch => backbone is null;

    /// <summary>Width E of the embeddings.</summary>
    public int EmbeddingDimension => head?.EmbeddingDim ?? SketchBranch.FeatureDimension;

    /// <summary>Classes of the logits; 0 when the network does not classify.</summary>
    public int NumClasses => classifier?.NumClasses ?? (head is null ? SketchBranch.NumClasses : 0);

    /// <summary>The shared embedding head, or null in backbone-only mode.</summary>
    public EmbeddingHead? Head => head;

    /// <summary>The shared classifier over the embedding, or null (backbone-only mode, or no classes).</summary>
    public ClassifierHead? Classifier => classifier;

    /// <summary>Koch's pair head, or null when the network only embeds.</summary>
    public KochPairHead? PairHead => pair;

    /// <summary>
    /// The features the pair head compares: the head's embedding in head mode, else the backbone's
    /// <see cref="IBackbone.Features"/> (Koch's h for the Koch branch, the seed's normalised feature for the ConvNet).
    /// </summary>
    public Tensor PairFeatures(Tensor x, Domain domain) =>
        head is null ? BackboneFor(domain).Features(x) : head.call(BackboneFor(domain).PreLogits(x));

    /// <summary>
    /// Pair logits [B] of a batch laid out as the pair sampler does, [first₀ … first_{B−1}, second₀ … second_{B−1}]: both
    /// halves go through the network in one pass (so BatchNorm sees the pair batch and the score is symmetric), then the head.
    /// </summary>
    /// <exception cref="InvalidOperationException">The network has no pair head.</exception>
    public Tensor PairLogitsOfHalves(Tensor pairs, Domain domain)
    {
        var pairHead = pair ?? throw new InvalidOperationException("This network has no pair head (model.siamese = koch builds one).");
        if (pairs.shape[0] % 2 != 0) throw new ArgumentException($"A pair batch holds an even number of images, got {pairs.shape[0]}.", nameof(pairs));
        var halves = PairFeatures(pairs, domain).chunk(2, dim: 0);
        return pairHead.call(halves[0], halves[1]);
    }

    /// <summary>Pair logits [B] of image pairs (x1[i], x2[i]) of one domain.</summary>
    public Tensor PairLogits(Tensor x1, Tensor x2, Domain domain = Domain.Photo)
    {
        ArgumentNullException.ThrowIfNull(x1);
        ArgumentNullException.ThrowIfNull(x2);
        if (x1.shape[0] != x2.shape[0]) throw new ArgumentException($"Pair batches differ in size: {x1.shape[0]} and {x2.shape[0]}.", nameof(x2));
        return PairLogitsOfHalves(cat([x1, x2], 0), domain);
    }

    /// <summary>The backbone that embeds <paramref name="domain"/> (the same object for both domains in shared-weight mode).</summary>
    public IBackbone BackboneFor(Domain domain) => backbone ?? (domain == Domain.Sketch ? sketch! : photo!);

    private IBackbone SketchBranch => BackboneFor(Domain.Sketch);

    /// <summary>The same as <see cref="Embed"/>.</summary>
    public override Tensor forward(Tensor input, Domain domain) => Embed(input, domain);

    /// <summary>Unit-norm embeddings [B, E] of images of <paramref name="domain"/>.</summary>
    public Tensor Embed(Tensor x, Domain domain)
    {
        var preLogits = BackboneFor(domain).PreLogits(x);
        return head is null ? nn.functional.normalize(preLogits, p: 2, dim: 1) : head.call(preLogits);
    }

    /// <summary>Embedding and logits from one backbone pass; <see cref="SiameseOutput.Logits"/> is null when <see cref="NumClasses"/> is 0.</summary>
    public SiameseOutput Encode(Tensor x, Domain domain)
    {
        var branch = BackboneFor(domain);
        var preLogits = branch.PreLogits(x);
        if (head is not null)
        {
            var embedding = head.call(preLogits);
            return new SiameseOutput(embedding, classifier?.call(embedding));
        }
        var logits = branch.NumClasses > 0 ? branch.ClassifierLogits(preLogits) : null;
        return new SiameseOutput(nn.functional.normalize(preLogits, p: 2, dim: 1), logits);
    }

    /// <summary>
    /// Embedding and logits of a batch that may mix domains: each image goes through its domain's backbone, then
    /// the shared head and classifier run once over the whole batch.
    /// </summary>
    /// <remarks>
    /// Running the head once matters in a two-branch network: its BatchNorm then normalises sketches and photos
    /// with the statistics of both together, the same statistics its running averages hold at evaluation. Run per
    /// domain, each domain's mean would be removed apart in training (nothing pulls the two backbones' features
    /// together) and evaluation would shift each domain by half the gap between them.
    /// </remarks>
    public SiameseOutput EncodeBatch(Tensor x, IReadOnlyList<Domain> domains)
    {
        ArgumentOutOfRangeException.ThrowIfNotEqual(domains.Count, (int)x.shape[0], nameof(domains));
        var present = domains.Distinct().ToArray();
        if (!IsTwoBranch || present.Length == 1)
        {
            return Encode(x, present.Length == 1 ? present[0] : Domain.Photo);
        }
        if (head is null)
        {
            return EncodeEachBranch(x, domains, present);
        }
        var preLogits = BranchPreLogits(x, domains, present);
        var embedding = head.call(preLogits);
        return new SiameseOutput(embedding, classifier?.call(embedding));
    }

    /// <summary>Backbone features [B, F] of a mixed batch, each row from its own domain's backbone.</summary>
    private Tensor BranchPreLogits(Tensor x, IReadOnlyList<Domain> domains, Domain[] present)
    {
        Tensor? features = null;
        foreach (var domain in present)
        {
            var rows = RowsOf(domains, domain, x.device);
            var part = BackboneFor(domain).PreLogits(x.index_select(0, rows));
            features = (features ?? zeros(x.shape[0], part.shape[1], dtype: part.dtype, device: x.device)).index_copy(0, rows, part);
        }
        return features!;
    }

    /// <summary>Backbone-only mode: nothing is shared after the backbones, so each domain is encoded by its own branch.</summary>
    private SiameseOutput EncodeEachBranch(Tensor x, IReadOnlyList<Domain> domains, Domain[] present)
    {
        Tensor? embeddings = null, logits = null;
        foreach (var domain in present)
        {
            var rows = RowsOf(domains, domain, x.device);
            var part = Encode(x.index_select(0, rows), domain);
            embeddings = (embeddings ?? zeros(x.shape[0], part.Embedding.shape[1], device: x.device)).index_copy(0, rows, part.Embedding);
            if (part.Logits is not null)
            {
                logits = (logits ?? zeros(x.shape[0], part.Logits.shape[1], device: x.device)).index_copy(0, rows, part.Logits);
            }
        }
        return new SiameseOutput(embeddings!, logits);
    }

    private static Tensor RowsOf(IReadOnlyList<Domain> domains, Domain domain, Device device) =>
        tensor(Enumerable.Range(0, domains.Count).Where(i => domains[i] == domain).Select(i => (long)i).ToArray(), device: device);

    /// <summary>Logits [B, classes] of the shared classifier over embeddings [B, E] (head mode only).</summary>
    /// <exception cref="InvalidOperationException">Backbone-only mode (its logits come from unnormalised features: use <see cref="Encode"/>) or no classifier.</exception>
    public Tensor Classify(Tensor embedding)
    {
        if (head is null)
        {
            throw new InvalidOperationException("Without the head the logits come from the backbone's classifier over unnormalised features; use Encode.");
        }
        if (classifier is null)
        {
            throw new InvalidOperationException("This network was built with NumClasses = 0 and has no classifier.");
        }
        return classifier.call(embedding);
    }

    /// <summary>
    /// Loads a backbone state dict (torchvision or timm names such as "conv1.weight"; with <paramref name="prefix"/>,
    /// only names under it, prefix removed) into the backbone of <paramref name="domain"/> (the shared backbone in
    /// shared-weight mode) and reports what did not match, through the one importer of <see cref="Weights"/>.
    /// An ImageNet checkpoint reports its "fc.*" as unexpected in head mode, where the backbones have no fc.
    /// </summary>
    public Weights.ImportReport LoadBackboneState(Domain domain, IDictionary<string, Tensor> state, string? prefix = null) =>
        Weights.StateDictImporter.Apply(BackboneFor(domain).AsModule(), state, prefix, Weights.StateDictImporter.TimmHeadRenames);
}
