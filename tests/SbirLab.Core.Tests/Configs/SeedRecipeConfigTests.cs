using SbirLab.Core.Configs;

namespace SbirLab.Core.Tests.Configs;

/// <summary>Seeds 002 and 003 as configs: their templates read as the seeds' recipes, and the fields they add are checked.</summary>
public class SeedRecipeConfigTests
{
    private static string Read(params string[] path) => File.ReadAllText(Path.Combine([RepoPaths.Root, "experiments", .. path]));

    private static IReadOnlyList<ConfigError> Errors(string template, params string[] overrides) =>
        Assert.Throws<ConfigException>(() => ConfigJson.Parse(template, overrides)).Errors;

    [Fact]
    public void Seed002sTemplateIsItsRecipe()
    {
        var config = ConfigJson.Parse(Read("seed-002", "contrastive-pairs.json"));
        Assert.Equal(BackboneKind.Seed002, config.Model.Backbone);
        Assert.Equal(SiameseKind.Shared, config.Model.Siamese);
        Assert.Equal(EmbeddingLossKind.Contrastive, config.Loss.Embedding);
        Assert.Equal(0, config.Loss.CrossEntropyWeight);
        Assert.Equal((SamplerKind.Pairs, 64, 0.5), (config.Batch.Sampler, config.Batch.Size, config.Batch.PositiveShare));
        Assert.Equal((OptimizerKind.Adam, 0.0005), (config.Optimizer.Name, config.Optimizer.LearningRate));
        // One pair per sketch of the 10,000 garments, 64 pairs a batch.
        Assert.Equal(10_000 / 64, EpochSteps.Predict(config));
    }

    [Fact]
    public void Seed002sSketchyTemplateHoldsOutTwentyPercentAtTheSeedsInputSize()
    {
        var config = ConfigJson.Parse(Read("seed-002", "sketchy-contrastive.json"));
        Assert.Equal((DatasetKind.Folders, 0.2, 100), (config.Data.Dataset, config.Data.TestShare, config.Model.ImageSize));
        Assert.Null(config.Data.EvalQueries);
        Assert.Null(config.Data.EvalGallery);
    }

    [Fact]
    public void Seed002sNetworkIsSizedForItsInput()
    {
        string template = Read("seed-002", "contrastive-pairs.json");
        Assert.Contains(Errors(template, "model.imageSize=100"), e => e.Field == "model.imageSize" && e.Allowed.Contains("28×28 images"));
        var sketchy = Read("seed-002", "sketchy-contrastive.json");
        Assert.Contains(Errors(sketchy, "model.imageSize=224"), e => e.Field == "model.imageSize" && e.Allowed.Contains("[16, 128]"));
        // The estimate counts the first Linear's 8·side²·500 weights: 16× the pixels, about 16× the parameters.
        var small = ConfigJson.Parse(sketchy, ["model.imageSize=25"]).Model;
        var large = ConfigJson.Parse(sketchy, ["model.imageSize=100"]).Model;
        Assert.Equal(8L * 100 * 100 * 500 + 500 * 500 + 500 * 128, ResourceEstimate.Parameters(large));
        Assert.InRange(ResourceEstimate.Parameters(large) / (double)ResourceEstimate.Parameters(small), 12, 16);
    }

    [Fact]
    public void ATestShareIsForFolderSetsWithoutEvaluationFolders()
    {
        string sketchy = Read("seed-002", "sketchy-contrastive.json");
        Assert.Contains(Errors(sketchy, "data.testShare=0.95"), e => e.Field == "data.testShare" && e.Allowed.Contains("[0, 0.9]"));
        Assert.Contains(Errors(sketchy, "data.evalQueries=datasets/q"), e => e.Field == "data.evalQueries" && e.Allowed.Contains("data.testShare > 0"));
        Assert.Contains(Errors(sketchy, "data.testShare=0"), e => e.Field == "data.evalQueries" && e.Allowed.Contains("non-empty"));
        Assert.Contains(Errors(sketchy, "data.domain=photo", "data.trainSketches=null"), e => e.Field == "data.trainSketches");
        string twin = Read("seed-002", "contrastive-pairs.json");
        Assert.Contains(Errors(twin, "data.testShare=0.2"), e => e.Field == "data.testShare" && e.Allowed.Contains("own test split"));
    }

    [Fact]
    public void Seed003sChainFineTunesTheClassifierWithSemiHardPkBatchesAndFrozenBatchNorm()
    {
        var pipeline = Pipeline.Load(Path.Combine(RepoPaths.Root, "experiments", "seed-003", "pipeline.json"));
        Assert.Equal(["seed-003-classification", "seed-003-pk-semi-hard"], pipeline.Runs.Select(r => r.Name));
        var fineTune = pipeline.Runs[1];
        Assert.Equal("seed-003-classification", fineTune.Model.InitFrom);
        Assert.True(fineTune.Model.EmbeddingHead); // the head's BatchNorm is what stays frozen
        Assert.True(fineTune.Training.FreezeBatchNorm);
        Assert.Equal((SamplerKind.Pk, 8, 4, 2), (fineTune.Batch.Sampler, fineTune.Batch.Classes, fineTune.Batch.Items, fineTune.Batch.ImagesPerItem));
        Assert.Equal((EmbeddingLossKind.Triplet, MinerKind.SemiHard, 0.2), (fineTune.Loss.Embedding, fineTune.Loss.Miner, fineTune.Loss.Margin));
        Assert.Equal(IndexKind.Hnsw, fineTune.Evaluation.Index);
        Assert.True(fineTune.Evaluation.MapPoints > 0);
    }
}
