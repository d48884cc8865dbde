using SbirLab.Core.Configs;
using SbirLab.Engine.Datasets;
using SbirLab.Engine.Models;
using SbirLab.Engine.Samplers;

namespace SbirLab.Engine.Tests.Samplers;

/// <summary>
/// The steps the new-run form predicts (<see cref="EpochSteps.Predict"/>) against the batches the trainer's sampler
/// really draws from the loaded training set, for every data set × sampler.
/// </summary>
public class EpochStepsTests
{
    private static readonly BatchConfig[] Batches =
    [
        new() { Sampler = SamplerKind.Shuffle, Size = 50 },
        new() { Sampler = SamplerKind.Pk, Classes = 4, Items = 4, ImagesPerItem = 2 },
        new() { Sampler = SamplerKind.Pk, Classes = 5, Items = 3, ImagesPerItem = 1 },
        new() { Sampler = SamplerKind.Pairs, Size = 40 },
    ];

    [Theory]
    [InlineData(DatasetKind.FashionMnist)]
    [InlineData(DatasetKind.FashionMnistSketch)]
    public void ThePredictionIsWhatTheSamplerDrawsForEverySampler(DatasetKind dataset)
    {
        var config = new RunConfig
        {
            Data = new DataConfig { Dataset = dataset, TrainLimit = 1000 },
            Evaluation = new EvaluationConfig { PerClass = 5, Queries = 10 },
        };
        using var data = DataBundles.Load(config);
        // A photo-only set has one image per item, so PK with l = 2 is refused there (by the sampler, before training).
        foreach (var batch in Batches.Where(b => dataset == DatasetKind.FashionMnistSketch || b.ImagesPerItem == 1))
        {
            var run = config with { Batch = batch };
            int drawn = SamplerFactory.Create(run, data.Train).BatchesPerEpoch;
            Assert.True(drawn > 1, $"{dataset} {batch.Sampler.Name()}: {drawn} batches");
            Assert.Equal(drawn, EpochSteps.Predict(run));
            var capped = run with { Training = run.Training with { MaxStepsPerEpoch = drawn - 1 } };
            Assert.Equal(drawn - 1, EpochSteps.Predict(capped));
        }
    }

    /// <summary>Every template the lab offers, on a smaller training set: the form's preview and the trainer agree.</summary>
    [Fact]
    public void ThePredictionOfEveryFashionMnistTemplateIsWhatItsSamplerDraws()
    {
        var templates = Directory.GetFiles(Path.Combine(RepoPaths.Root, "experiments"), "*.json", SearchOption.AllDirectories)
            .Where(file => ExperimentFiles.KindOf(File.ReadAllText(file)) == ExperimentKind.Run) // a pipeline's runs are files of their own; a sweep's base too
            .Select(file => (File: file, Config: ConfigJson.ParseUnvalidated(File.ReadAllText(file))))
            .Where(t => t.Config.Data.Dataset != DatasetKind.Folders).ToList();
        Assert.True(templates.Count >= 6, $"{templates.Count} templates");
        foreach (var (file, template) in templates)
        {
            var config = template with { Data = template.Data with { TrainLimit = 1200 }, Evaluation = template.Evaluation with { PerClass = 5, Queries = 10 } };
            using var data = DataBundles.Load(config);
            int trained = EpochSteps.Capped(config.Training, SamplerFactory.Create(config, data.Train).BatchesPerEpoch);
            Assert.True(EpochSteps.Predict(config) == trained, $"{Path.GetFileName(file)}: predicted {EpochSteps.Predict(config)}, trained {trained}");
        }
    }

    [Fact]
    public void APseudoSketchEpochCountsThePhotosAndTheirSketches()
    {
        var config = new RunConfig { Data = new DataConfig { Dataset = DatasetKind.FashionMnistSketch }, Batch = new BatchConfig { Size = 100 } };
        Assert.Equal(1200, EpochSteps.Predict(config)); // 60 000 photos + 60 000 sketches in batches of 100
        Assert.Equal(600, EpochSteps.Predict(config with { Data = new DataConfig { Dataset = DatasetKind.FashionMnist } }));
    }

    /// <summary>
    /// A folder set's size is known only once it loads, so the form cannot predict it; the trainer counts it with the
    /// same rules. Folder sets are cross-domain with photos and sketches as separate items.
    /// </summary>
    [Fact]
    public void AFolderShapedSetIsCountedByTheSameRules()
    {
        Assert.Null(EpochSteps.Predict(new RunConfig { Data = new DataConfig { Dataset = DatasetKind.Folders } }));
        const int perDomain = 240, side = 4;
        var labels = Enumerable.Range(0, 2 * perDomain).Select(i => (long)(i % 6)).ToArray();
        var domains = Enumerable.Range(0, 2 * perDomain).Select(i => i < perDomain ? Domain.Sketch : Domain.Photo).ToArray();
        var set = new GreyImageSet(new byte[labels.Length * side * side], side, labels, domains,
            Enumerable.Range(0, labels.Length).ToArray(), 0.5f, 0.25f);
        var size = new TrainingSetSize(labels.Length, Sketches: perDomain, ItemsSpanDomains: false);
        foreach (var batch in Batches.Where(b => b.ImagesPerItem == 1 || b.Sampler != SamplerKind.Pk))
        {
            var config = new RunConfig { Batch = batch };
            Assert.Equal(SamplerFactory.Create(config, set).BatchesPerEpoch, EpochSteps.Batches(batch, size));
        }
    }
}
