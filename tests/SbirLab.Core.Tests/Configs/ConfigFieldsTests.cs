using SbirLab.Core.Configs;

namespace SbirLab.Core.Tests.Configs;

/// <summary>The form's editors come from the config's own types: every field path maps to one kind.</summary>
public class ConfigFieldsTests
{
    [Theory]
    [InlineData("seed", FieldKind.Integer)]
    [InlineData("loss.margin", FieldKind.Number)]
    [InlineData("training.freezeBatchNorm", FieldKind.Switch)]
    [InlineData("model.backbone", FieldKind.Choice)]
    [InlineData("model.pretrainedSketch", FieldKind.Text)]
    [InlineData("evaluation.precisionAtK", FieldKind.IntegerList)]
    [InlineData("data.trainClasses", FieldKind.IntegerList)]
    [InlineData("tags", FieldKind.TextList)]
    [InlineData("evaluation.oneShot.episodes", FieldKind.Integer)]
    public void AFieldsKindIsItsTypeInTheConfig(string field, FieldKind kind) => Assert.Equal(kind, ConfigFields.KindOf(field));

    [Fact]
    public void AChoiceOffersItsEnumsConfigNamesAndASectionOrAnUnknownPathIsRefused()
    {
        Assert.Equal(OptionNames.Of<SamplerKind>(), ConfigFields.ChoicesOf("batch.sampler"));
        Assert.Contains("seed-002", ConfigFields.ChoicesOf("model.backbone"));
        Assert.Contains("section", Assert.Throws<ArgumentException>(() => ConfigFields.KindOf("loss")).Message);
        Assert.Contains("no field", Assert.Throws<ArgumentException>(() => ConfigFields.KindOf("loss.marign")).Message);
        Assert.Throws<ArgumentException>(() => ConfigFields.ChoicesOf("loss.margin"));
    }
}
