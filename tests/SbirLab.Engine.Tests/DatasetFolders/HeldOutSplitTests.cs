using SbirLab.Core.Configs;
using SbirLab.Engine.Datasets;
using SbirLab.Engine.Datasets.Folders;
using SbirLab.Engine.Models;
using SbirLab.Engine.Tests.Imaging;

namespace SbirLab.Engine.Tests.DatasetFolders;

/// <summary>data.testShare: a test split for folder sets that have none (seed 002's 80 / 20 of Sketchy).</summary>
public class HeldOutSplitTests
{
    private static List<LabelledImage> Items(params int[] perClass) =>
        [.. perClass.SelectMany((count, label) => Enumerable.Range(0, count).Select(i => new LabelledImage($"/d/{label}/{i:D3}.png", label)))];

    [Fact]
    public void EveryClassGivesItsShareRoundedAndKeepsOneForTraining()
    {
        // 20 % of 10 = 2, of 5 = 1, of 2 = 0.4 → at least 1, of 1 = none (the class would have no training image).
        var (train, test) = HeldOutSplit.Split(Items(10, 5, 2, 1), 0.2, seed: 1, domain: 0);
        Assert.Equal([2, 1, 1], test.GroupBy(i => i.Label).OrderBy(g => g.Key).Select(g => g.Count()));
        Assert.DoesNotContain(test, i => i.Label == 3);
        Assert.Equal([8, 4, 1, 1], train.GroupBy(i => i.Label).OrderBy(g => g.Key).Select(g => g.Count()));
        Assert.Empty(train.Intersect(test));
        Assert.Equal(18, train.Count + test.Count);
    }

    [Fact]
    public void TheDrawDependsOnTheSeedAndNotOnTheListingOrder()
    {
        var items = Items(40, 40);
        var (_, first) = HeldOutSplit.Split(items, 0.25, seed: 3, domain: 1);
        var reversed = items.AsEnumerable().Reverse().ToList();
        var (_, again) = HeldOutSplit.Split(reversed, 0.25, seed: 3, domain: 1);
        Assert.Equal(first.Select(i => i.Path).Order(StringComparer.Ordinal), again.Select(i => i.Path).Order(StringComparer.Ordinal));
        var (_, otherSeed) = HeldOutSplit.Split(items, 0.25, seed: 4, domain: 1);
        Assert.NotEqual(first.Select(i => i.Path).Order(StringComparer.Ordinal), otherSeed.Select(i => i.Path).Order(StringComparer.Ordinal));
    }

    [Fact]
    public void AFolderSetWithATestShareTrainsOnTheRestAndEvaluatesOnTheHeldOutImages()
    {
        using var dir = new TempDir();
        int seed = 0;
        foreach (var cls in new[] { "cat", "dog", "owl" })
        {
            for (int i = 0; i < 5; i++) TestImages.WriteColourImage(dir.File("sketches", cls, $"s{i}.png"), 20, 20, seed++);
            for (int i = 0; i < 10; i++) TestImages.WriteColourImage(dir.File("photos", cls, $"p{i}.png"), 20, 20, seed++);
        }
        var config = new RunConfig
        {
            Model = new ModelConfig { ImageSize = 16 },
            Data = new DataConfig { Dataset = DatasetKind.Folders, TrainSketches = dir.File("sketches"), TrainPhotos = dir.File("photos"), TestShare = 0.2 },
        };
        Assert.Empty(ConfigValidator.Validate(config));

        using var bundle = DataBundles.Load(config);
        // Per class: 1 of 5 sketches and 2 of 10 photos held out.
        Assert.Equal((3, 6), (bundle.Evaluation.Queries.Count, bundle.Evaluation.Gallery.Count));
        Assert.Equal(3 * 4 + 3 * 8, bundle.Train.Count);
        Assert.Equal(["cat", "dog", "owl"], bundle.Evaluation.ClassNames);
        Assert.All(bundle.Evaluation.Queries.Domains, d => Assert.Equal(Domain.Sketch, d));
        Assert.All(bundle.Evaluation.Gallery.Domains, d => Assert.Equal(Domain.Photo, d));

        // A later evaluation alone (search, a re-evaluation) finds the same held-out images without decoding the training ones.
        using var evaluation = DataBundles.LoadEvaluation(config);
        Assert.Equal(bundle.Evaluation.Queries.Labels, evaluation.Queries.Labels);
        Assert.Equal(bundle.Evaluation.Gallery.Labels, evaluation.Gallery.Labels);
        using var expected = bundle.Evaluation.Gallery.Batch([0, 1, 2, 3, 4, 5]);
        using var actual = evaluation.Gallery.Batch([0, 1, 2, 3, 4, 5]);
        Assert.True(expected.allclose(actual, 0, 0));

        // Pretraining the photo branch alone: the held-out sketches are still the queries.
        using var photos = DataBundles.Load(config with { Data = config.Data with { Domain = TrainingDomain.Photo } });
        Assert.Equal(3 * 8, photos.Train.Count);
        Assert.Equal(3, photos.Evaluation.Queries.Count);
    }
}
