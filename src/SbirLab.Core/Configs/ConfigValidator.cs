using System.Diagnostics;
using System.Globalization;

namespace SbirLab.Core.Configs;

/// <summary>
/// The one place where config values are checked, at two boundaries: the queue (<see cref="Validate(RunConfig, HostLimits?)"/>,
/// called by the store's <c>Queue</c> and <c>QueueChain</c>, once per run, for every front end: web form, command line,
/// sweeps, pipelines) and the start of execution
/// (<see cref="ForStart"/>, on the machine that trains, whose data folders may differ from the queue's). The web form
/// calls <see cref="Validate(RunConfig, HostLimits?)"/> too, to show each field's problem as it is typed; that is
/// display, not a boundary.
/// </summary>
public static class ConfigValidator
{
    /// <summary>
    /// Traces every check of a config: an activity <see cref="ValidationActivity"/> tagged with the run's name and the
    /// boundary (<c>enqueue</c> for <see cref="Validate(RunConfig, HostLimits?)"/>, <c>start</c> for <see cref="ForStart"/>),
    /// so a listener (an OpenTelemetry exporter, a test) can see how often a config is checked on its way to the trainer.
    /// Without a listener no activity is created.
    /// </summary>
    public static readonly ActivitySource Tracing = new("SbirLab.Config");

    /// <summary>The name of the activity of one config check.</summary>
    public const string ValidationActivity = "validate config";

    /// <summary>The most images one batch may hold, however the sampler composes it.</summary>
    public const int MaxBatchImages = 65_536;

    public static IReadOnlyList<ConfigError> Validate(RunConfig config) => Validate(config, null);

    /// <summary>
    /// Checks every field and the fields together; with <paramref name="limits"/> (the lab's web form, queue and
    /// worker) every path must also lie inside its roots, and is refused before its existence is looked at, and the
    /// run's estimated memory must fit the host's budget.
    /// </summary>
    public static IReadOnlyList<ConfigError> Validate(RunConfig config, HostLimits? limits) => Validate(config, limits, atStart: false);

    private static List<ConfigError> Validate(RunConfig config, HostLimits? limits, bool atStart)
    {
        using var activity = Tracing.StartActivity(ValidationActivity);
        activity?.SetTag("sbirlab.run.name", config.Name);
        activity?.SetTag("sbirlab.boundary", atStart ? "start" : "enqueue");
        var errors = new List<ConfigError>();
        var check = new Checker(errors, limits?.Roots);
        check.NotEmpty("name", config.Name);
        check.Range("seed", config.Seed, 0, int.MaxValue);
        check.Device("device", config.Device);
        if (!Runs.Placement.IsQueueName(config.Queue)) check.Add("queue", config.Queue, Runs.Placement.QueueNameRule);
        ValidateModel(check, config.Model);
        ValidateLoss(check, config.Loss);
        ValidateBatch(check, config.Batch, config.Loss);
        ValidateOptimizer(check, config.Optimizer);
        ValidateSchedule(check, config.Schedule, config.Training);
        ValidateTraining(check, config.Training);
        ValidateData(check, config.Data);
        ValidateEvaluation(check, config.Evaluation);
        ValidatePairHead(check, config);
        ValidateClassSplit(check, config.Data, config.Evaluation.OneShot);
        ValidateBatchAgainstData(check, config);
        ValidateImageSizeAgainstData(check, config);
        if (limits is not null) ValidateMemory(check, config, limits);
        if (atStart && errors.Count == 0) ValidateMachine(check, config.Data);
        activity?.SetTag("sbirlab.errors", errors.Count);
        return errors;
    }

    /// <summary>Throws <see cref="ConfigException"/> listing every problem, or returns the config.</summary>
    public static RunConfig EnsureValid(RunConfig config, HostLimits? limits = null)
    {
        var errors = Validate(config, limits);
        return errors.Count == 0 ? config : throw new ConfigException(errors);
    }

    /// <summary>
    /// The start-of-execution boundary: every check of <see cref="EnsureValid"/> plus this machine's facts (each data
    /// path the config sets exists here); throws <see cref="ConfigException"/> listing every problem. The checks see
    /// the config as it was written (its paths as the user gave them, so a message names them so);
    /// <paramref name="resolve"/> then turns it into what the engine opens (run references into their run folders,
    /// each path into its checked real path), and may refuse (a referenced run that has not completed) but must not
    /// change what was checked.
    /// </summary>
    public static ValidatedConfig ForStart(RunConfig config, HostLimits? limits = null, Func<RunConfig, RunConfig>? resolve = null)
    {
        var errors = Validate(config, limits, atStart: true);
        if (errors.Count > 0) throw new ConfigException(errors);
        return new ValidatedConfig(resolve is null ? config : resolve(config));
    }

    /// <summary>What only the machine that trains can tell: the data folders (or list files) are there.</summary>
    private static void ValidateMachine(Checker check, DataConfig data)
    {
        check.ExistsIfSet("data.root", data.Root);
        check.ExistsIfSet("data.trainSketches", data.TrainSketches);
        check.ExistsIfSet("data.trainPhotos", data.TrainPhotos);
        check.ExistsIfSet("data.evalQueries", data.EvalQueries);
        check.ExistsIfSet("data.evalGallery", data.EvalGallery);
    }

    private static void ValidateModel(Checker check, ModelConfig model)
    {
        check.Defined("model.backbone", model.Backbone);
        check.Defined("model.siamese", model.Siamese);
        check.Range("model.hiddenDim", model.HiddenDim, 2, 8192);
        check.Range("model.embeddingDim", model.EmbeddingDim, 2, 8192);
        check.OneOf("model.inputChannels", model.InputChannels.ToString(CultureInfo.InvariantCulture), ["1", "3"]);
        check.Range("model.imageSize", model.ImageSize, 16, 1024);
        if (model.Backbone == BackboneKind.Koch)
            check.Range("model.imageSize", model.ImageSize, 28, 28, why: "Koch's branch is scaled to 28×28 inputs: its last convolution leaves a 3×3 map for the 2,304 → 1,024 layer");
        else if (model.Backbone == BackboneKind.Seed002)
            check.Range("model.imageSize", model.ImageSize, 16, 128, why: "seed 002's first Linear reads 8 × side² values (65 M weights at 128; the seed used 100)");
        else if (model.Backbone != BackboneKind.ConvNet)
            check.Range("model.imageSize", model.ImageSize, 32, 1024);
        check.WeightsIfSet("model.pretrainedSketch", model.PretrainedSketch);
        check.WeightsIfSet("model.pretrainedPhoto", model.PretrainedPhoto);
        check.WeightsIfSet("model.initFrom", model.InitFrom);
    }

    private static void ValidateLoss(Checker check, LossConfig loss)
    {
        check.Defined("loss.embedding", loss.Embedding);
        check.Range("loss.embeddingWeight", loss.EmbeddingWeight, 0, 100);
        check.Range("loss.crossEntropyWeight", loss.CrossEntropyWeight, 0, 100);
        check.Defined("loss.miner", loss.Miner);
        check.Defined("loss.reduction", loss.Reduction);
        check.Range("loss.anchors", loss.Anchors, 1, 100_000);
        check.Range("loss.tau", loss.Tau, 1e-4, 10, exclusiveMin: false);
        if (loss.Embedding == EmbeddingLossKind.Triplet) check.Range("loss.margin", loss.Margin, 0, 0.5, why: "triplet margin α on squared distances of unit vectors (range [0, 4]); seed 004 advises [0, 0.5]");
        else check.Range("loss.margin", loss.Margin, 0, 4);
        if (!loss.HasEmbeddingTerm && loss.CrossEntropyWeight <= 0)
            check.Add("loss.crossEntropyWeight", loss.CrossEntropyWeight, "> 0 when loss.embedding is none (nothing would be trained)");
    }

    private static void ValidateBatch(Checker check, BatchConfig batch, LossConfig loss)
    {
        check.Defined("batch.sampler", batch.Sampler);
        check.Range("batch.size", batch.Size, 2, 65_536);
        check.Range("batch.classes", batch.Classes, 2, 10_000);
        check.Range("batch.items", batch.Items, 1, 10_000);
        check.Range("batch.imagesPerItem", batch.ImagesPerItem, 1, 10_000);
        check.Range("batch.positiveShare", batch.PositiveShare, 0, 1);
        if (batch.Sampler == SamplerKind.Pk && ResourceEstimate.BatchImages(batch) > MaxBatchImages)
            check.Add("batch.classes", batch.Classes, $"batch.classes × batch.items × batch.imagesPerItem ≤ {MaxBatchImages:N0} images a batch (here {ResourceEstimate.BatchImages(batch):N0})");
        if (batch.Sampler == SamplerKind.Pairs && loss.Embedding is EmbeddingLossKind.Triplet or EmbeddingLossKind.SmoothAp)
            check.Add("batch.sampler", batch.Sampler, $"{SamplerKind.Shuffle.Name()} or {SamplerKind.Pk.Name()} for loss.embedding = {loss.Embedding.Name()} (pairs feed the contrastive loss)");
    }

    /// <summary>A batch larger than the training set would train no step at all and still "complete".</summary>
    private static void ValidateBatchAgainstData(Checker check, RunConfig config)
    {
        if (ResourceEstimate.TrainingImages(config.Data) is not { } images) return; // folders: counted when the run starts
        long batch = ResourceEstimate.BatchImages(config.Batch);
        if (batch <= images) return;
        string field = config.Batch.Sampler == SamplerKind.Pk ? "batch.classes" : "batch.size";
        check.Add(field, config.Batch.Sampler == SamplerKind.Pk ? config.Batch.Classes : config.Batch.Size,
            $"a batch of at most the {images:N0} training images (this one takes {batch:N0}; see data.trainLimit)");
    }

    /// <summary>FashionMNIST's images are 28×28; a backbone sized for its input (seed 002's) must be built for that side.</summary>
    private static void ValidateImageSizeAgainstData(Checker check, RunConfig config)
    {
        if (config.Model.Backbone != BackboneKind.Seed002 || config.Data.Dataset == DatasetKind.Folders) return;
        check.Range("model.imageSize", config.Model.ImageSize, 28, 28,
            why: $"data.dataset = {config.Data.Dataset.Name()} has 28×28 images, and seed 002's network is sized for its input");
    }

    /// <summary>The run's estimated memory against the host's budget, naming both figures.</summary>
    private static void ValidateMemory(Checker check, RunConfig config, HostLimits limits)
    {
        long needed = ResourceEstimate.Bytes(config);
        if (needed <= limits.MemoryBytes) return;
        string field = config.Batch.Sampler == SamplerKind.Pk ? "batch.classes" : "batch.size";
        check.Add(field, config.Batch.Sampler == SamplerKind.Pk ? config.Batch.Classes : config.Batch.Size,
            $"a run that fits this host's memory budget of {ResourceEstimate.Format(limits.MemoryBytes)} ({HostLimits.MemoryVariable}); " +
            $"this one needs about {ResourceEstimate.Format(needed)} ({ResourceEstimate.BatchImages(config.Batch):N0} images a batch × {config.Model.ImageSize}² pixels × " +
            $"{ResourceEstimate.BytesPerPixel(config.Model.Backbone):N0} bytes a pixel for {config.Model.Backbone.Name()}): use a smaller batch or model.imageSize");
    }

    private static void ValidateOptimizer(Checker check, OptimizerConfig optimizer)
    {
        check.Defined("optimizer.name", optimizer.Name);
        check.Range("optimizer.learningRate", optimizer.LearningRate, 0, 1000, exclusiveMin: true);
        check.Range("optimizer.momentum", optimizer.Momentum, 0, 1, exclusiveMax: true);
        check.Range("optimizer.weightDecay", optimizer.WeightDecay, 0, 1);
        if (optimizer.Nesterov && optimizer.Momentum <= 0)
            check.Add("optimizer.nesterov", true, "false unless optimizer.momentum > 0 (Nesterov needs momentum)");
    }

    /// <summary>Koch's head and its loss come together: the head says "same / different" of the pair sampler's pairs.</summary>
    private static void ValidatePairHead(Checker check, RunConfig config)
    {
        bool koch = config.Model.Siamese == SiameseKind.Koch;
        bool bce = config.Loss.Embedding == EmbeddingLossKind.BinaryCrossEntropy;
        if (bce && !koch)
            check.Add("loss.embedding", config.Loss.Embedding, $"a loss of the embedding for model.siamese = {config.Model.Siamese.Name()} (binary-cross-entropy trains the pair head of model.siamese = koch)");
        if (!koch) return;
        if (!bce)
            check.Add("loss.embedding", config.Loss.Embedding, $"{EmbeddingLossKind.BinaryCrossEntropy.Name()} for model.siamese = koch (the pair head's same / different)");
        if (config.Batch.Sampler != SamplerKind.Pairs)
            check.Add("batch.sampler", config.Batch.Sampler, $"{SamplerKind.Pairs.Name()} for model.siamese = koch (the head scores pairs; batch.positiveShare sets the same-class share)");
        if (config.Loss.CrossEntropyWeight != 0)
            check.Add("loss.crossEntropyWeight", config.Loss.CrossEntropyWeight, "0 for model.siamese = koch (Koch's objective is the pair loss alone)");
    }

    /// <summary>data.trainClasses: distinct FashionMNIST classes, leaving at least two out for the one-shot episodes.</summary>
    private static void ValidateClassSplit(Checker check, DataConfig data, OneShotConfig oneShot)
    {
        check.Range("evaluation.oneShot.episodes", oneShot.Episodes, 1, 1_000_000);
        check.Range("evaluation.oneShot.verificationPairs", oneShot.VerificationPairs, 2, 1_000_000);
        check.Range("evaluation.oneShot.examples", oneShot.Examples, 0, 100);
        if (!data.HasClassSplit) return;
        const int classes = BuiltInDatasets.FashionMnistClasses;
        if (data.Dataset != DatasetKind.FashionMnist)
        {
            check.Add("data.trainClasses", string.Join(",", data.TrainClasses), $"empty unless data.dataset = {DatasetKind.FashionMnist.Name()} (the class split is FashionMNIST's)");
            return;
        }
        foreach (var c in data.TrainClasses) check.Range("data.trainClasses", c, 0, classes - 1, why: "FashionMNIST's class indices");
        if (data.TrainClasses.Distinct().Count() != data.TrainClasses.Count)
            check.Add("data.trainClasses", string.Join(",", data.TrainClasses), "distinct class indices");
        int heldOut = classes - data.TrainClasses.Where(c => c is >= 0 and < classes).Distinct().Count();
        if (heldOut < 2)
            check.Add("data.trainClasses", string.Join(",", data.TrainClasses), $"at most {classes - 2} classes, so that two or more are held out for the one-shot episodes");
        if (data.TrainClasses.Distinct().Count() < 2)
            check.Add("data.trainClasses", string.Join(",", data.TrainClasses), "two or more classes (a pair needs a different class)");
        if (oneShot.Ways.Count == 0) check.Add("evaluation.oneShot.ways", "[]", "one or more N for the N-way episodes");
        foreach (var way in oneShot.Ways)
            check.Range("evaluation.oneShot.ways", way, 2, Math.Max(2, heldOut), why: $"2 to the {heldOut} classes data.trainClasses holds out");
    }

    private static void ValidateSchedule(Checker check, ScheduleConfig schedule, TrainingConfig training)
    {
        check.Defined("schedule.name", schedule.Name);
        // An untrained run (training.epochs = 0, evaluated as it starts) runs no schedule, so a template's warm-up is moot there.
        if (training.Epochs > 0) check.Range("schedule.warmupEpochs", schedule.WarmupEpochs, 0, training.Epochs);
        else if (!double.IsFinite(schedule.WarmupEpochs) || schedule.WarmupEpochs < 0) check.Add("schedule.warmupEpochs", schedule.WarmupEpochs, "a number ≥ 0");
        check.Range("schedule.minLearningRateFactor", schedule.MinLearningRateFactor, 0, 1);
    }

    private static void ValidateTraining(Checker check, TrainingConfig training)
    {
        check.Range("training.epochs", training.Epochs, 0, 10_000);
        check.Range("training.maxStepsPerEpoch", training.MaxStepsPerEpoch, 0, int.MaxValue);
        check.Range("training.evaluateEvery", training.EvaluateEvery, 0, 10_000);
        check.Range("training.logEvery", training.LogEvery, 1, 1_000_000);
    }

    private static void ValidateData(Checker check, DataConfig data)
    {
        check.Defined("data.dataset", data.Dataset);
        check.Range("data.trainLimit", data.TrainLimit, 0, int.MaxValue);
        check.Range("data.workers", data.Workers, 0, 64);
        check.InsideRootsIfSet("data.root", data.Root, PathKind.Dataset);
        check.Defined("data.domain", data.Domain);
        check.Defined("data.sketchStyle", data.SketchStyle);
        if (data.Dataset == DatasetKind.FashionMnist && data.Domain == TrainingDomain.Sketch)
            check.Add("data.domain", data.Domain, "both or photo for data.dataset = fashion-mnist (it has no sketches; fashion-mnist-sketch has)");
        check.Range("data.testShare", data.TestShare, 0, 0.9);
        if (data.Dataset != DatasetKind.Folders)
        {
            if (data.TestShare != 0)
                check.Add("data.testShare", data.TestShare, $"0 for data.dataset = {data.Dataset.Name()} (it has its own test split of 10,000 images)");
            return;
        }
        ValidateFolders(check, data);
    }

    private static void ValidateFolders(Checker check, DataConfig data)
    {
        bool heldOut = data.TestShare > 0;
        // A held-out split draws the queries from the training sketches and the gallery from the training photos.
        if (heldOut || data.Domain != TrainingDomain.Photo) check.NotEmpty("data.trainSketches", data.TrainSketches ?? "");
        if (heldOut || data.Domain != TrainingDomain.Sketch) check.NotEmpty("data.trainPhotos", data.TrainPhotos ?? "");
        if (heldOut)
        {
            const string why = "unset when data.testShare > 0 (the evaluation set is held out of the training folders)";
            if (data.EvalQueries is not null) check.Add("data.evalQueries", data.EvalQueries, why);
            if (data.EvalGallery is not null) check.Add("data.evalGallery", data.EvalGallery, why);
        }
        else
        {
            check.NotEmpty("data.evalQueries", data.EvalQueries ?? "");
            check.NotEmpty("data.evalGallery", data.EvalGallery ?? "");
        }
        check.InsideRootsIfSet("data.trainSketches", data.TrainSketches, PathKind.Dataset);
        check.InsideRootsIfSet("data.trainPhotos", data.TrainPhotos, PathKind.Dataset);
        check.InsideRootsIfSet("data.evalQueries", data.EvalQueries, PathKind.Dataset);
        check.InsideRootsIfSet("data.evalGallery", data.EvalGallery, PathKind.Dataset);
    }

    private static void ValidateEvaluation(Checker check, EvaluationConfig evaluation)
    {
        check.Range("evaluation.perClass", evaluation.PerClass, 1, 1_000_000);
        check.Range("evaluation.queries", evaluation.Queries, 1, 1_000_000);
        check.Range("evaluation.exampleTopK", evaluation.ExampleTopK, 1, 100);
        check.Defined("evaluation.index", evaluation.Index);
        check.Range("evaluation.mapPoints", evaluation.MapPoints, 0, EvaluationConfig.MaxMapPoints);
        foreach (var k in evaluation.PrecisionAtK) check.Range("evaluation.precisionAtK", k, 1, 100_000);
    }

    private sealed class Checker(List<ConfigError> errors, PathRoots? roots)
    {
        public void Add(string field, object? value, string allowed) =>
            errors.Add(new ConfigError(field, Format(value), allowed));

        public void NotEmpty(string field, string value)
        {
            if (string.IsNullOrWhiteSpace(value)) Add(field, value, "a non-empty value");
        }

        /// <summary>Guards against a number cast to an option enum; the JSON reader already refuses unknown names.</summary>
        public void Defined<T>(string field, T value) where T : struct, Enum
        {
            if (!Enum.IsDefined(value)) Add(field, value, OptionNames.Allowed(typeof(T)));
        }

        public void OneOf(string field, string value, IReadOnlyList<string> allowed)
        {
            if (!allowed.Contains(value)) Add(field, value, "one of " + string.Join(", ", allowed));
        }

        public void Range(string field, double value, double min, double max, bool exclusiveMin = false,
            bool exclusiveMax = false, string? why = null)
        {
            bool tooLow = exclusiveMin ? value <= min : value < min;
            bool tooHigh = exclusiveMax ? value >= max : value > max;
            if (!double.IsFinite(value) || tooLow || tooHigh)
            {
                string interval = $"{(exclusiveMin ? "(" : "[")}{Format(min)}, {Format(max)}{(exclusiveMax ? ")" : "]")}";
                Add(field, value, $"a number in {interval}" + (why is null ? "" : $" ({why})"));
            }
        }

        public void Device(string field, string value)
        {
            var v = value.ToLowerInvariant();
            if (v is "auto" or "cpu" or "cuda") return;
            if (v.StartsWith("cuda:", StringComparison.Ordinal) && int.TryParse(v[5..], out var n) && n >= 0) return;
            Add(field, value, "auto, cpu, cuda or cuda:N");
        }

        /// <summary>A path must exist; a run reference is looked up by the run store (<see cref="RunReferences"/>).</summary>
        public void WeightsIfSet(string field, string? value)
        {
            if (value is null || RunReferences.IsRunReference(value)) return;
            if (Located(field, value, PathKind.Weights) is { } real && !File.Exists(real) && !Directory.Exists(real))
                Add(field, value, RunReferences.Allowed);
        }

        public void InsideRootsIfSet(string field, string? path, PathKind kind) => Located(field, path, kind);

        /// <summary>A data path that was inside the roots at queue time must also exist on this machine (checked after the roots, so nothing is learnt outside them).</summary>
        public void ExistsIfSet(string field, string? path)
        {
            if (Located(field, path, PathKind.Dataset) is { } real && !Directory.Exists(real) && !File.Exists(real))
                Add(field, path, "an existing data set folder or list file on the machine that trains (it is not there now: download the data set and point this field at it, or mount it if it was moved)");
        }

        /// <summary>
        /// The path to look at: without roots as given; with roots its real path inside them, or null (and an
        /// error naming the roots) when outside, so nothing is learnt about paths outside the roots.
        /// </summary>
        private string? Located(string field, string? path, PathKind kind)
        {
            if (string.IsNullOrEmpty(path) || roots is null) return path;
            var real = roots.Confine(path, kind);
            if (real is null) Add(field, path, roots.Describe(kind));
            return real;
        }


        private static string Format(object? value) => value switch
        {
            null => "null",
            string s => $"\"{s}\"",
            double d => d.ToString("G", CultureInfo.InvariantCulture),
            bool b => b ? "true" : "false",
            Enum e => OptionNames.NameOf(e) is { } name ? $"\"{name}\"" : e.ToString("D"),
            IFormattable f => f.ToString(null, CultureInfo.InvariantCulture),
            _ => value.ToString() ?? "",
        };
    }
}
