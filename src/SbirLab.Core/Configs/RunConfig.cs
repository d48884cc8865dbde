namespace SbirLab.Core.Configs;

/// <summary>
/// Everything a run needs, as one typed record. Serialised as JSON (camelCase) and stored verbatim
/// with the run, so a run can always be reproduced from what it recorded.
/// </summary>
public sealed record RunConfig
{
    public string Name { get; init; } = "run";
    public string? Description { get; init; }
    public IReadOnlyList<string> Tags { get; init; } = [];

    /// <summary>Drives every random choice: initialisation, shuffling, sampling, mining, augmentation.</summary>
    public int Seed { get; init; } = 1;

    /// <summary>"auto" (CUDA when available, else CPU), "cpu" or "cuda[:n]".</summary>
    public string Device { get; init; } = "auto";

    /// <summary>
    /// The queue the run waits in: only a worker serving it (<c>sbirlab worker --queue NAME</c>) claims the run, in a slot
    /// whose device is of the kind <see cref="Device"/> asks for (see <see cref="Runs.Placement"/>).
    /// </summary>
    public string Queue { get; init; } = Runs.Placement.DefaultQueue;

    public ModelConfig Model { get; init; } = new();
    public LossConfig Loss { get; init; } = new();
    public BatchConfig Batch { get; init; } = new();
    public OptimizerConfig Optimizer { get; init; } = new();
    public ScheduleConfig Schedule { get; init; } = new();
    public TrainingConfig Training { get; init; } = new();
    public DataConfig Data { get; init; } = new();
    public EvaluationConfig Evaluation { get; init; } = new();
}

/// <summary>The network: backbone(s), embedding head and classifier.</summary>
public sealed record ModelConfig
{
    /// <summary>"convnet" (seed 004), "resnet18", "resnet34", "resnet50" or "koch" (seed 001's branch at 28×28).</summary>
    public BackboneKind Backbone { get; init; } = BackboneKind.ConvNet;

    /// <summary>
    /// "shared": one network embeds both domains (seeds 001, 002, 004); "two-branch": a sketch and a
    /// photo backbone joined by shared FC layers (seed 000); "koch": one shared network with Koch's pair head
    /// (|h1 − h2| → Linear → sigmoid, seed 001), trained with loss.embedding = binary-cross-entropy on pairs.
    /// </summary>
    public SiameseKind Siamese { get; init; } = SiameseKind.Shared;

    /// <summary>
    /// Adds seed 000's two shared FC layers (Linear → BatchNorm → ReLU → Linear) on the backbone
    /// features. Off: the embedding is the normalised backbone feature (seed 004).
    /// </summary>
    public bool EmbeddingHead { get; init; }

    public int HiddenDim { get; init; } = 512;
    public int EmbeddingDim { get; init; } = 512;

    /// <summary>1 for FashionMNIST, 3 for photos and sketches of real SBIR sets.</summary>
    public int InputChannels { get; init; } = 1;

    /// <summary>Side of the square model input; 28 for FashionMNIST, 224 for ResNets.</summary>
    public int ImageSize { get; init; } = 28;

    /// <summary>
    /// Weights for the sketch (or only) backbone: a backbone file (safetensors or TorchSharp, torchvision names), or an
    /// earlier run (its folder, a checkpoint, or "#id" / name in the store) whose backbone for this branch is taken:
    /// "sketch.*" of a two-branch run, "backbone.*" of a shared-weight one.
    /// </summary>
    public string? PretrainedSketch { get; init; }

    /// <summary>Weights for the photo backbone of a two-branch network, as <see cref="PretrainedSketch"/> ("photo.*" of a two-branch run).</summary>
    public string? PretrainedPhoto { get; init; }

    /// <summary>Start from a whole earlier run's checkpoint (e.g. the classification run, seed 004): folder, checkpoint, "#id" or name.</summary>
    public string? InitFrom { get; init; }

    /// <summary>
    /// Train even when the weights above leave tensors of their target unloaded (missing or mis-shaped; the log lists
    /// them). Off: such a run fails with the list, so a wrong file never trains silently from random weights.
    /// </summary>
    public bool AllowPartialLoad { get; init; }
}

/// <summary>The training objective: w_emb·L_emb + w_ce·L_ce.</summary>
public sealed record LossConfig
{
    /// <summary>"none", "contrastive", "triplet", "smooth-ap" or "binary-cross-entropy" (the Koch pair head's loss).</summary>
    public EmbeddingLossKind Embedding { get; init; } = EmbeddingLossKind.None;

    public double EmbeddingWeight { get; init; } = 1.0;
    public double CrossEntropyWeight { get; init; } = 1.0;

    /// <summary>Margin m of the contrastive loss or α of the triplet loss.</summary>
    public double Margin { get; init; } = 0.2;

    /// <summary>Temperature τ of Smooth-AP's sigmoid (seed 004: 0.01).</summary>
    public double Tau { get; init; } = 0.01;

    /// <summary>Triplet miner: "batch-all" (first k anchors, seed 004), "all", "semi-hard", "hard".</summary>
    public MinerKind Miner { get; init; } = MinerKind.BatchAll;

    /// <summary>How the embedding loss combines its terms: "mean" over all (default), "sum" or "mean-active" (over positive terms only).</summary>
    public LossReduction Reduction { get; init; } = LossReduction.Mean;

    /// <summary>How many of a batch's first entries act as anchors (seed 004: 10).</summary>
    public int Anchors { get; init; } = 10;

    /// <summary>Whether the objective has a metric-learning term (an embedding loss with a positive weight).</summary>
    [System.Text.Json.Serialization.JsonIgnore]
    public bool HasEmbeddingTerm => Embedding != EmbeddingLossKind.None && EmbeddingWeight > 0;
}

/// <summary>How batches are drawn.</summary>
public sealed record BatchConfig
{
    /// <summary>"shuffle" (without replacement), "pk" (n classes × m items × l images) or "pairs".</summary>
    public SamplerKind Sampler { get; init; } = SamplerKind.Shuffle;

    public int Size { get; init; } = 100;

    /// <summary>PK sampler: classes per batch (n).</summary>
    public int Classes { get; init; } = 4;

    /// <summary>PK sampler: items per class (m); with no item ids each image is its own item.</summary>
    public int Items { get; init; } = 4;

    /// <summary>PK sampler: images per item (l).</summary>
    public int ImagesPerItem { get; init; } = 1;

    /// <summary>Pair sampler: share of same-class pairs (seed 002: about half).</summary>
    public double PositiveShare { get; init; } = 0.5;
}

public sealed record OptimizerConfig
{
    /// <summary>"sgd" (the seeds' optimizer) or "adam".</summary>
    public OptimizerKind Name { get; init; } = OptimizerKind.Sgd;

    public double LearningRate { get; init; } = 0.01;
    public double Momentum { get; init; } = 0.9;
    public bool Nesterov { get; init; }
    public double WeightDecay { get; init; }
}

public sealed record ScheduleConfig
{
    /// <summary>"cosine" (seed 000) or "constant".</summary>
    public ScheduleKind Name { get; init; } = ScheduleKind.Cosine;

    /// <summary>Linear warm-up from 0 over this many epochs (fractions allowed).</summary>
    public double WarmupEpochs { get; init; }

    /// <summary>Floor of the cosine decay, as a fraction of the base learning rate.</summary>
    public double MinLearningRateFactor { get; init; }
}

public sealed record TrainingConfig
{
    public int Epochs { get; init; } = 10;

    /// <summary>Cap on steps per epoch (0: the whole split); handy for smoke runs.</summary>
    public int MaxStepsPerEpoch { get; init; }

    /// <summary>Keep BatchNorm in eval mode and its parameters fixed (seed 003).</summary>
    public bool FreezeBatchNorm { get; init; }

    /// <summary>Evaluate retrieval every this many epochs (0: only at the end).</summary>
    public int EvaluateEvery { get; init; } = 1;

    /// <summary>Write per-step metrics every this many steps.</summary>
    public int LogEvery { get; init; } = 1;
}

public sealed record DataConfig
{
    /// <summary>
    /// "fashion-mnist" (seed 004: photos only), "fashion-mnist-sketch" (pseudo-sketch queries, photo
    /// gallery) or "folders" (real SBIR sets on disk).
    /// </summary>
    public DatasetKind Dataset { get; init; } = DatasetKind.FashionMnist;

    /// <summary>Folder of the data; null: the dataset's default (Debian's package for FashionMNIST).</summary>
    public string? Root { get; init; }

    /// <summary>Use at most this many training images (0: all), drawn with the seed.</summary>
    public int TrainLimit { get; init; }

    /// <summary>Background threads that prepare batches ahead.</summary>
    public int Workers { get; init; } = 1;

    /// <summary>Folder layout: training sketches (one folder per class or a list file).</summary>
    public string? TrainSketches { get; init; }

    /// <summary>Folder layout: training photos.</summary>
    public string? TrainPhotos { get; init; }

    /// <summary>Folder layout: evaluation queries (sketches).</summary>
    public string? EvalQueries { get; init; }

    /// <summary>Folder layout: evaluation gallery (photos).</summary>
    public string? EvalGallery { get; init; }

    /// <summary>Training augmentation (random resized crop and horizontal flip).</summary>
    public bool Augment { get; init; }

    /// <summary>
    /// Which domains the training set holds: "both" (sketches and photos, for the siamese network), "sketch" or
    /// "photo" alone (pretraining one branch's backbone in its own domain, seed 000). Evaluation is always
    /// sketches against photos.
    /// </summary>
    public TrainingDomain Domain { get; init; } = TrainingDomain.Both;

    /// <summary>
    /// FashionMNIST pseudo-sketches: "edges" (the photo's traced edge map, pixel-aligned with it) or "drawn" (outer
    /// contours kept, short strokes dropped, strokes jittered and of varied width, a small affine per sketch; seeded).
    /// </summary>
    public SketchStyleKind SketchStyle { get; init; } = SketchStyleKind.Edges;

    /// <summary>
    /// Class split (seed 001's one-shot protocol, FashionMNIST): train on these class indices only (0–9) and evaluate
    /// on the others, never seen in training, with N-way one-shot episodes and verification instead of retrieval.
    /// Empty: every class trains and retrieval is evaluated.
    /// </summary>
    public IReadOnlyList<int> TrainClasses { get; init; } = [];

    /// <summary>
    /// Folder data sets without a test split (Sketchy, seed 002's 80 / 20): hold out this share of every class's training
    /// sketches and photos, drawn with the seed, as the evaluation queries and gallery; data.evalQueries and evalGallery
    /// then stay unset. 0: the evaluation folders are used. FashionMNIST has its own test split.
    /// </summary>
    public double TestShare { get; init; }

    /// <summary>Whether the run holds classes out of training (and is evaluated one-shot on them).</summary>
    [System.Text.Json.Serialization.JsonIgnore]
    public bool HasClassSplit => TrainClasses.Count > 0;
}

public sealed record EvaluationConfig
{
    /// <summary>Most points an embedding map may have: exact t-SNE keeps 16·N² bytes (400 MB at this size).</summary>
    public const int MaxMapPoints = 5000;

    /// <summary>Test images per class in the evaluation subset (seed 004: 100).</summary>
    public int PerClass { get; init; } = 100;

    /// <summary>How many of the (shuffled) subset act as queries (seed 004: the first 100).</summary>
    public int Queries { get; init; } = 100;

    public IReadOnlyList<int> PrecisionAtK { get; init; } = [1, 5, 10, 50];

    /// <summary>Results shown per class in the ranked grid.</summary>
    public int ExampleTopK { get; init; } = 10;

    /// <summary>The gallery index searches use by default: "exact" or "hnsw" (both are saved with the run).</summary>
    public IndexKind Index { get; init; } = IndexKind.Exact;

    /// <summary>Points of the t-SNE / PCA embedding map (0: no map); exact t-SNE costs O(N²).</summary>
    public int MapPoints { get; init; } = 1000;

    /// <summary>The one-shot protocol of a run with a class split (data.trainClasses).</summary>
    public OneShotConfig OneShot { get; init; } = new();
}

/// <summary>
/// Seed 001's evaluation on held-out classes: N-way one-shot episodes (one query and one support image of each of
/// N classes; the support the network finds most alike is its answer) and same / different verification of pairs.
/// The images are the first evaluation.perClass test images of each held-out class.
/// </summary>
public sealed record OneShotConfig
{
    /// <summary>The N of the N-way episodes, each from 2 to the number of held-out classes.</summary>
    public IReadOnlyList<int> Ways { get; init; } = [2, 4];

    /// <summary>Seeded episodes per N (the accuracy's 95 % interval narrows with √episodes).</summary>
    public int Episodes { get; init; } = 1000;

    /// <summary>Held-out pairs (half of them same-class) for verification: ROC, AUC, accuracy at the best threshold.</summary>
    public int VerificationPairs { get; init; } = 2000;

    /// <summary>Episodes of the largest N drawn in the report's grid.</summary>
    public int Examples { get; init; } = 8;
}
