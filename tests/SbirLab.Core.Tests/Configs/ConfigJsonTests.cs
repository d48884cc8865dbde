using SbirLab.Core.Configs;

namespace SbirLab.Core.Tests.Configs;

public class ConfigJsonTests
{
    [Fact]
    public void DefaultsAreValidAndRoundTrip()
    {
        var config = new RunConfig { Name = "x", Loss = new LossConfig { Embedding = EmbeddingLossKind.Triplet, Margin = 0.3 } };
        var again = ConfigJson.Parse(ConfigJson.Serialize(config));
        Assert.Equal(ConfigJson.Serialize(config), ConfigJson.Serialize(again));
        Assert.Equal(0.3, again.Loss.Margin);
    }

    [Fact]
    public void OutOfRangeMarginNamesFieldValueAndAllowedRange()
    {
        var e = Assert.Throws<ConfigException>(() => ConfigJson.Parse("""{ "loss": { "embedding": "triplet", "margin": 0.9 } }"""));
        var error = Assert.Single(e.Errors);
        Assert.Equal("loss.margin", error.Field);
        Assert.Equal("0.9", error.Value);
        Assert.Contains("[0, 0.5]", error.Allowed);
    }

    [Fact]
    public void UnknownFieldIsNamedWithTheKnownOnes()
    {
        var e = Assert.Throws<ConfigException>(() => ConfigJson.Parse("""{ "optimizer": { "learningRat": 0.1 } }"""));
        var error = Assert.Single(e.Errors);
        Assert.Equal("optimizer.learningRat", error.Field);
        Assert.Contains("learningRate", error.Allowed);
    }

    [Fact]
    public void WrongTypeNamesTheExpectedType()
    {
        var e = Assert.Throws<ConfigException>(() => ConfigJson.Parse("""{ "training": { "epochs": "ten" } }"""));
        var error = Assert.Single(e.Errors);
        Assert.Equal("training.epochs", error.Field);
        Assert.Contains("integer", error.Allowed);
    }

    [Fact]
    public void UnknownChoiceListsTheAllowedOnes()
    {
        var e = Assert.Throws<ConfigException>(() => ConfigJson.Parse("""{ "batch": { "sampler": "random" }, "loss": { "miner": "easy" } }"""));
        Assert.Equal(["batch.sampler", "loss.miner"], e.Errors.Select(x => x.Field).Order());
        Assert.Contains("shuffle, pk, pairs", e.Errors.Single(x => x.Field == "batch.sampler").Allowed);
    }

    [Fact]
    public void OverridesApplyTypedValuesAndRejectUnknownKeys()
    {
        var config = ConfigJson.Parse("{}", ["loss.margin=0.35", "loss.embedding=triplet", "training.freezeBatchNorm=true", "name=abc"]);
        Assert.Equal(0.35, config.Loss.Margin);
        Assert.True(config.Training.FreezeBatchNorm);
        Assert.Equal("abc", config.Name);
        var e = Assert.Throws<ConfigException>(() => ConfigJson.Parse("{}", ["loss.marginn=0.3"]));
        Assert.Contains("loss.margin", e.Errors[0].Allowed);
    }

    [Fact]
    public void ExperimentTemplatesAreValid()
    {
        var root = RepoPaths.Root;
        var files = Directory.GetFiles(Path.Combine(root, "experiments", "fashion-mnist"), "*.json")
            .Concat(Directory.GetFiles(Path.Combine(root, "experiments", "sbir"), "fm-*.json"));
        foreach (var file in files.Where(f => !Pipeline.IsPipeline(File.ReadAllText(f))))
            Assert.False(string.IsNullOrWhiteSpace(ConfigJson.Load(file).Name), file);
    }

    [Fact]
    public void SbirTemplatesLackOnlyTheWeightsAUserMustBring()
    {
        foreach (var file in Directory.GetFiles(Path.Combine(RepoPaths.Root, "experiments", "sbir"), "flickr15k-*.json"))
        {
            // The ImageNet ResNet-34 file; the Eitz-pretrained sketch backbone is the run flickr15k-pretrain-sketch.
            var e = Assert.Throws<ConfigException>(() => ConfigJson.Load(file));
            var error = Assert.Single(e.Errors);
            Assert.StartsWith("model.pretrained", error.Field, StringComparison.Ordinal);
            Assert.Equal("\"weights/resnet34-imagenet.safetensors\"", error.Value);
        }
    }
}
