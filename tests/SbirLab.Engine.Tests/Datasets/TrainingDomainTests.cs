using SbirLab.Core.Configs;
using SbirLab.Engine.Datasets;
using SbirLab.Engine.Models;

namespace SbirLab.Engine.Tests.Datasets;

public class TrainingDomainTests
{
    private static RunConfig Twin(TrainingDomain domain, SketchStyleKind style = SketchStyleKind.Edges) => new()
    {
        Data = new DataConfig { Dataset = DatasetKind.FashionMnistSketch, TrainLimit = 300, Domain = domain, SketchStyle = style },
        Evaluation = new EvaluationConfig { PerClass = 10, Queries = 50 },
    };

    [Theory]
    [InlineData(TrainingDomain.Sketch, Domain.Sketch)]
    [InlineData(TrainingDomain.Photo, Domain.Photo)]
    public void OneDomainTrainsOnThatDomainAloneAndStillEvaluatesSketchesAgainstPhotos(TrainingDomain domain, Domain expected)
    {
        using var data = DataBundles.Load(Twin(domain));
        Assert.Equal(300, data.Train.Count);
        Assert.All(data.Train.Domains, d => Assert.Equal(expected, d));
        Assert.All(data.Evaluation.Queries.Domains, d => Assert.Equal(Domain.Sketch, d));
        Assert.All(data.Evaluation.Gallery.Domains, d => Assert.Equal(Domain.Photo, d));
        Assert.Contains($"training {expected.ToString().ToLowerInvariant()}", data.Description, StringComparison.Ordinal);
    }

    [Fact]
    public void BothDomainsIsEachPhotoWithItsSketch()
    {
        using var data = DataBundles.Load(Twin(TrainingDomain.Both));
        Assert.Equal(600, data.Train.Count);
        Assert.Equal(300, data.Train.Domains.Count(d => d == Domain.Sketch));
    }

    [Fact]
    public void DrawnSketchesAreTheSameEveryTimeAndDifferFromEdges()
    {
        using var edges = DataBundles.Load(Twin(TrainingDomain.Sketch));
        using var drawn = DataBundles.Load(Twin(TrainingDomain.Sketch, SketchStyleKind.Drawn));
        using var again = DataBundles.Load(Twin(TrainingDomain.Sketch, SketchStyleKind.Drawn));
        var first = ((GreyImageSet)drawn.Train).Pixels(0);
        Assert.Equal(first, ((GreyImageSet)again.Train).Pixels(0));
        Assert.NotEqual(first, ((GreyImageSet)edges.Train).Pixels(0));
        Assert.Contains("drawn sketch queries", drawn.Description);
    }

    [Fact]
    public void TheReaderNamesTheAllowedValues()
    {
        var e = Assert.Throws<ConfigException>(() => ConfigJson.Parse("""{ "data": { "domain": "sketches", "sketchStyle": "pencil" } }"""));
        Assert.Equal(["data.domain", "data.sketchStyle"], e.Errors.Select(x => x.Field).Order());
        Assert.Contains("both, sketch, photo", e.Errors.Single(x => x.Field == "data.domain").Allowed);
        Assert.Contains("edges, drawn", e.Errors.Single(x => x.Field == "data.sketchStyle").Allowed);
    }

    [Fact]
    public void PlainFashionMnistHasNoSketchesToTrainOn()
    {
        var config = Twin(TrainingDomain.Sketch) with { Data = new DataConfig { Dataset = DatasetKind.FashionMnist, Domain = TrainingDomain.Sketch } };
        var error = Assert.Single(ConfigValidator.Validate(config));
        Assert.Equal("data.domain", error.Field);
        Assert.Contains("both or photo", error.Allowed);
    }
}
