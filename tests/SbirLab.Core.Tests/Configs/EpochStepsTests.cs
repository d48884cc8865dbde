using SbirLab.Core.Configs;

namespace SbirLab.Core.Tests.Configs;

public class EpochStepsTests
{
    [Fact]
    public void StepsFollowEachSamplersCount()
    {
        var photos = new TrainingSetSize(1000);
        var photosAndSketches = new TrainingSetSize(2000, Sketches: 1000, ItemsSpanDomains: true);
        var folders = new TrainingSetSize(2000, Sketches: 800, ItemsSpanDomains: false);
        var pk = new BatchConfig { Sampler = SamplerKind.Pk, Classes = 4, Items = 5, ImagesPerItem = 1 };

        Assert.Equal(10, EpochSteps.Batches(new BatchConfig { Size = 96 }, photos)); // 1000 / 96, the short batch dropped
        Assert.Equal(20, EpochSteps.Batches(new BatchConfig { Size = 100 }, photosAndSketches));
        Assert.Equal(50, EpochSteps.Batches(pk, photos));
        Assert.Equal(100, EpochSteps.Batches(pk, photosAndSketches)); // a photo and its sketch are one item
        Assert.Equal(50, EpochSteps.Batches(pk, folders)); // m items from each domain: 40 images a batch
        Assert.Equal(25, EpochSteps.Batches(new BatchConfig { Sampler = SamplerKind.Pairs, Size = 40 }, photos));
        Assert.Equal(20, EpochSteps.Batches(new BatchConfig { Sampler = SamplerKind.Pairs, Size = 40 }, folders)); // sketch anchors only
        Assert.Equal(0, EpochSteps.Batches(new BatchConfig { Size = 2000 }, photos));
        Assert.Equal(1, EpochSteps.Batches(new BatchConfig { Sampler = SamplerKind.Pairs, Size = 2000 }, photos));
    }

    [Fact]
    public void TheCapAndTheTrainLimitApply()
    {
        var config = new RunConfig { Data = new DataConfig { Dataset = DatasetKind.FashionMnistSketch, TrainLimit = 2000 }, Batch = new BatchConfig { Size = 100 } };
        Assert.Equal(40, EpochSteps.Predict(config));
        Assert.Equal(15, EpochSteps.Predict(config with { Training = new TrainingConfig { MaxStepsPerEpoch = 15 } }));
        Assert.Equal(1200, EpochSteps.Predict(config with { Data = config.Data with { TrainLimit = 0 } }));
    }

    [Fact]
    public void OneDomainAloneTrainsOnItsImagesOnly()
    {
        var config = new RunConfig { Data = new DataConfig { Dataset = DatasetKind.FashionMnistSketch, TrainLimit = 2000 }, Batch = new BatchConfig { Size = 100 } };
        Assert.Equal(20, EpochSteps.Predict(config with { Data = config.Data with { Domain = TrainingDomain.Sketch } })); // 2000 sketches
        Assert.Equal(20, EpochSteps.Predict(config with { Data = config.Data with { Domain = TrainingDomain.Photo } })); // 2000 photos
    }
}
