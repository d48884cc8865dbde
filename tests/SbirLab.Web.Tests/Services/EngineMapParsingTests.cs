using SbirLab.Engine.Training;
using SbirLab.Web.Services;

namespace SbirLab.Web.Tests.Services;

public class EngineMapParsingTests
{
    [Fact]
    public void TheEnginesEvaluationMapIsShownAsItsTsneViewWithThumbnails()
    {
        var file = new EmbeddingMapFile(["bag", "shirt"], [0.7, 0.2],
        [
            new MapPoint("query", 3, 1, "sketch", 1.5, -2.0, 0.1, 0.2),
            new MapPoint("gallery", 7, 0, "photo", -0.5, 4.0, 0.3, 0.4),
        ]);
        var json = System.Text.Json.JsonSerializer.Serialize(file, RunEvaluator.JsonOptions);
        var map = EmbeddingMapData.TryParse(json);
        Assert.NotNull(map);
        Assert.Equal([1.5, -0.5], map!.X);
        Assert.Equal([-2.0, 4.0], map.Y);
        Assert.Equal([1, 0], map.Labels);
        Assert.Equal([true, false], map.IsSketch!);
        Assert.True(map.HasThumbnails);
        Assert.Equal((ImageSetKind.Gallery, 7), map.ImageOf(1));
        Assert.Equal("tsne", map.Projection);

        var pca = map.OtherView;
        Assert.NotNull(pca);
        Assert.Equal("pca", pca!.Projection);
        Assert.Equal([0.1, 0.3], pca.X);
        Assert.Equal([0.2, 0.4], pca.Y);
        Assert.Equal((ImageSetKind.Query, 3), pca.ImageOf(0));
        Assert.Equal("PCA (axes explain 70 % + 20 % of the variance)", pca.ProjectionTitle);
    }
}
