using SbirLab.Core.Configs;

namespace SbirLab.Core.Tests.Configs;

/// <summary>Seed 001's fields: the Koch head with its loss and sampler, the class split and the one-shot protocol.</summary>
public class OneShotConfigTests
{
    private static string Template => File.ReadAllText(Path.Combine(RepoPaths.Root, "experiments", "seed-001", "koch-one-shot.json"));

    private static IReadOnlyList<ConfigError> Errors(params string[] overrides)
    {
        var e = Assert.Throws<ConfigException>(() => ConfigJson.Parse(Template, overrides));
        return e.Errors;
    }

    [Fact]
    public void TheTemplateReadsAsKochsRecipe()
    {
        var config = ConfigJson.Parse(Template);
        Assert.Equal(SiameseKind.Koch, config.Model.Siamese);
        Assert.Equal(BackboneKind.Koch, config.Model.Backbone);
        Assert.Equal(EmbeddingLossKind.BinaryCrossEntropy, config.Loss.Embedding);
        Assert.Equal(SamplerKind.Pairs, config.Batch.Sampler);
        Assert.Equal([0, 1, 4, 5, 8], config.Data.TrainClasses);
        Assert.Equal([2, 4, 5], config.Evaluation.OneShot.Ways);
        Assert.True(config.Evaluation.OneShot.Episodes >= 1000);
        // Five classes of 6,000 images: 30,000 anchors, 64 pairs a batch.
        Assert.Equal(30_000 / 64, EpochSteps.Predict(config));
    }

    [Fact]
    public void TheHeadNeedsItsLossPairsAndNoCrossEntropy()
    {
        var errors = Errors("batch.sampler=shuffle", "loss.crossEntropyWeight=0.5");
        Assert.Contains(errors, e => e.Field == "batch.sampler" && e.Allowed.Contains("pairs"));
        Assert.Contains(errors, e => e.Field == "loss.crossEntropyWeight" && e.Value == "0.5");
        Assert.Contains(Errors("loss.embedding=contrastive"), e => e.Field == "loss.embedding" && e.Allowed.Contains("binary-cross-entropy"));
        Assert.Contains(Errors("model.siamese=shared"), e => e.Field == "loss.embedding" && e.Allowed.Contains("model.siamese = koch"));
        Assert.Contains(Errors("model.imageSize=32"), e => e.Field == "model.imageSize" && e.Allowed.Contains("[28, 28]"));
    }

    [Fact]
    public void TheClassSplitIsNamedWithItsRange()
    {
        Assert.Contains(Errors("data.trainClasses=[0,1,10]"), e => e.Field == "data.trainClasses" && e.Value == "10" && e.Allowed.Contains("[0, 9]"));
        Assert.Contains(Errors("data.trainClasses=[0,1,1]"), e => e.Field == "data.trainClasses" && e.Allowed.Contains("distinct"));
        Assert.Contains(Errors("data.trainClasses=[0,1,2,3,4,5,6,7,8]"), e => e.Field == "data.trainClasses" && e.Allowed.Contains("two or more are held out"));
        Assert.Contains(Errors("data.dataset=fashion-mnist-sketch"), e => e.Field == "data.trainClasses" && e.Allowed.Contains("fashion-mnist"));
    }

    [Fact]
    public void WaysAreBoundedByTheHeldOutClasses()
    {
        // Six classes trained: four held out, so 5-way episodes cannot be drawn.
        var error = Assert.Single(Errors("data.trainClasses=[0,1,2,3,4,5]"));
        Assert.Equal("evaluation.oneShot.ways", error.Field);
        Assert.Equal("5", error.Value);
        Assert.Contains("[2, 4]", error.Allowed);
        Assert.Contains(Errors("evaluation.oneShot.episodes=0"), e => e.Field == "evaluation.oneShot.episodes");
    }
}
