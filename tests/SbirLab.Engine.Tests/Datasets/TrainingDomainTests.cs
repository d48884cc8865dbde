using SbirLab.Core.Configs;
using SbirLab.Engine.Datasets;
using SbirLab.Engine.Models;

namespace SbirLab.Engine.Tests.Datasets;

public class TrainingDomainTests
{
    private static RunConfig Twin(string domain, string style = "edges") => new()
    {
        Data = new DataConfig { Dataset = "fashion-mnist-sketch", TrainLimit = 300, Domain = domain, SketchStyle = style },
        Evaluation = new EvaluationConfig { PerClass = 10, Queries = 50 },
    };

    [Theory]
    [InlineData("sketch", Domain.Sketch)]
    [InlineData("photo", Domain.Photo)]
    public void OneDomainTrainsOnThatDomainAloneAndStillEvaluatesSketchesAgainstPhotos(string domain, Domain expected)
    {
        using var data = DataBundles.Load(Twin(domain));
        Assert.Equal(300, data.Train.Count);
        Assert.All(data.Train.Domains, d => Assert.Equal(expected, d));
        Assert.All(data.Queries.Domains, d => Assert.Equal(Domain.Sketch, d));
        Assert.All(data.Gallery.Domains, d => Assert.Equal(Domain.Photo, d));
        Assert.Contains($"{domain}", data.Description);
    }

    [Fact]
    public void BothDomainsIsEachPhotoWithItsSketch()
    {
        using var data = DataBundles.Load(Twin("both"));
        Assert.Equal(600, data.Train.Count);
        Assert.Equal(300, data.Train.Domains.Count(d => d == Domain.Sketch));
    }

    [Fact]
    public void DrawnSketchesAreTheSameEveryTimeAndDifferFromEdges()
    {
        using var edges = DataBundles.Load(Twin("sketch"));
        using var drawn = DataBundles.Load(Twin("sketch", "drawn"));
        using var again = DataBundles.Load(Twin("sketch", "drawn"));
        var first = ((GreyImageSet)drawn.Train).Pixels(0);
        Assert.Equal(first, ((GreyImageSet)again.Train).Pixels(0));
        Assert.NotEqual(first, ((GreyImageSet)edges.Train).Pixels(0));
        Assert.Contains("drawn sketch queries", drawn.Description);
    }

    [Theory]
    [InlineData("sketches", "data.domain", "one of both, sketch, photo")]
    [InlineData("both", "data.sketchStyle", "one of edges, drawn")]
    public void TheValidatorNamesTheAllowedValues(string domain, string field, string allowed)
    {
        var config = Twin(domain, style: field == "data.sketchStyle" ? "pencil" : "edges");
        var error = Assert.Single(ConfigValidator.Validate(config));
        Assert.Equal(field, error.Field);
        Assert.Equal(allowed, error.Allowed);
    }

    [Fact]
    public void PlainFashionMnistHasNoSketchesToTrainOn()
    {
        var config = Twin("sketch") with { Data = new DataConfig { Dataset = "fashion-mnist", Domain = "sketch" } };
        var error = Assert.Single(ConfigValidator.Validate(config));
        Assert.Equal("data.domain", error.Field);
        Assert.Contains("both or photo", error.Allowed);
    }
}
