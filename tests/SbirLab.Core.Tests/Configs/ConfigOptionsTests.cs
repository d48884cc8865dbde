using System.Text.Json.Nodes;
using SbirLab.Core.Configs;

namespace SbirLab.Core.Tests.Configs;

public class ConfigOptionsTests
{
    /// <summary>The run configs of <c>experiments/</c> (pipelines and sweeps have their own tests).</summary>
    private static IEnumerable<string> Templates() =>
        ExperimentFiles.RunConfigs(Directory.GetFiles(Path.Combine(RepoPaths.Root, "experiments"), "*.json", SearchOption.AllDirectories).Order());

    [Fact]
    public void EveryTemplateLoadsAndKeepsEveryValueItWrote()
    {
        var templates = Templates().ToList();
        Assert.NotEmpty(templates);
        foreach (var file in templates)
        {
            string text = File.ReadAllText(file);
            var config = ConfigJson.ParseUnvalidated(text);
            string written = ConfigJson.Serialize(config);
            var original = JsonNode.Parse(text, documentOptions: new() { CommentHandling = System.Text.Json.JsonCommentHandling.Skip, AllowTrailingCommas = true })!;
            var again = JsonNode.Parse(written)!;
            foreach (var (path, value) in Leaves(original))
                Assert.True(JsonNode.DeepEquals(value, At(again, path)), $"{file}: {path} was {value?.ToJsonString()}, written back as {At(again, path)?.ToJsonString()}");
            Assert.Equal(written, ConfigJson.Serialize(ConfigJson.ParseUnvalidated(written)));
        }
    }

    [Fact]
    public void DefaultsAreWrittenWithTheirKebabNames()
    {
        var json = JsonNode.Parse(ConfigJson.Serialize(new RunConfig()))!;
        Assert.Equal("convnet", (string?)json["model"]!["backbone"]);
        Assert.Equal("shared", (string?)json["model"]!["siamese"]);
        Assert.Equal("none", (string?)json["loss"]!["embedding"]);
        Assert.Equal("batch-all", (string?)json["loss"]!["miner"]);
        Assert.Equal("shuffle", (string?)json["batch"]!["sampler"]);
        Assert.Equal("sgd", (string?)json["optimizer"]!["name"]);
        Assert.Equal("cosine", (string?)json["schedule"]!["name"]);
        Assert.Equal("fashion-mnist", (string?)json["data"]!["dataset"]);
        Assert.Equal("exact", (string?)json["evaluation"]!["index"]);
    }

    [Fact]
    public void MultiWordOptionsReadAsTheyAreSpelledInConfigs()
    {
        var config = ConfigJson.Parse("""
            { "model": { "siamese": "two-branch", "backbone": "resnet18", "imageSize": 64 },
              "loss": { "embedding": "smooth-ap", "miner": "semi-hard" }, "data": { "dataset": "fashion-mnist-sketch" } }
            """);
        Assert.Equal(SiameseKind.TwoBranch, config.Model.Siamese);
        Assert.Equal(BackboneKind.ResNet18, config.Model.Backbone);
        Assert.Equal(EmbeddingLossKind.SmoothAp, config.Loss.Embedding);
        Assert.Equal(MinerKind.SemiHard, config.Loss.Miner);
        Assert.Equal(DatasetKind.FashionMnistSketch, config.Data.Dataset);
    }

    [Fact]
    public void AnOptionGivenAsANumberOrInAnotherCaseIsRefusedWithTheAllowedNames()
    {
        var e = Assert.Throws<ConfigException>(() => ConfigJson.Parse("""{ "loss": { "miner": 2 }, "model": { "backbone": "ResNet18" } }"""));
        Assert.Equal(["loss.miner", "model.backbone"], e.Errors.Select(x => x.Field).Order());
        Assert.Equal("2", e.Errors.Single(x => x.Field == "loss.miner").Value);
        Assert.Equal("one of batch-all, all, semi-hard, hard", e.Errors.Single(x => x.Field == "loss.miner").Allowed);
        Assert.Equal("one of convnet, resnet18, resnet34, resnet50, koch, seed-002", e.Errors.Single(x => x.Field == "model.backbone").Allowed);
    }

    [Fact]
    public void TheLossReductionReadsByItsConfigNameAndDefaultsToTheMean()
    {
        Assert.Equal(LossReduction.Mean, ConfigJson.Parse("{}").Loss.Reduction);
        Assert.Equal(LossReduction.MeanActive, ConfigJson.Parse("{}", ["loss.reduction=mean-active"]).Loss.Reduction);
        var e = Assert.Throws<ConfigException>(() => ConfigJson.Parse("""{ "loss": { "reduction": "median" } }"""));
        Assert.Equal("one of mean, sum, mean-active", e.Errors.Single(x => x.Field == "loss.reduction").Allowed);
    }

    [Fact]
    public void AnOverrideNamesAnOptionByItsConfigName()
    {
        var config = ConfigJson.Parse("{}", ["batch.sampler=pk", "evaluation.index=hnsw"]);
        Assert.Equal(SamplerKind.Pk, config.Batch.Sampler);
        Assert.Equal(IndexKind.Hnsw, config.Evaluation.Index);
        var e = Assert.Throws<ConfigException>(() => ConfigJson.Parse("{}", ["optimizer.name=rmsprop"]));
        Assert.Equal("one of sgd, adam", Assert.Single(e.Errors).Allowed);
    }

    [Fact]
    public void ANumberCastToAnOptionIsCaughtByTheValidator()
    {
        var errors = ConfigValidator.Validate(new RunConfig { Batch = new BatchConfig { Sampler = (SamplerKind)7 } });
        var error = Assert.Single(errors);
        Assert.Equal(("batch.sampler", "7", "one of shuffle, pk, pairs"), (error.Field, error.Value, error.Allowed));
    }

    [Fact]
    public void NamesAndValuesMapBothWays()
    {
        foreach (var kind in OptionNames.Values<DatasetKind>())
        {
            Assert.True(OptionNames.TryParse<DatasetKind>(kind.Name(), out var back));
            Assert.Equal(kind, back);
        }
        Assert.Equal(["fashion-mnist", "fashion-mnist-sketch", "folders"], OptionNames.Of<DatasetKind>());
        Assert.False(OptionNames.TryParse<DatasetKind>("FashionMnist", out _));
    }

    private static IEnumerable<(string Path, JsonNode? Value)> Leaves(JsonNode node, string prefix = "")
    {
        if (node is JsonObject fields)
        {
            foreach (var (key, value) in fields)
            {
                string path = prefix.Length == 0 ? key : prefix + "." + key;
                if (value is JsonObject) foreach (var leaf in Leaves(value, path)) yield return leaf;
                else yield return (path, value);
            }
        }
    }

    private static JsonNode? At(JsonNode root, string path)
    {
        JsonNode? node = root;
        foreach (var part in path.Split('.')) node = node is JsonObject o ? o[part] : null;
        return node;
    }
}
