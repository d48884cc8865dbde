using SbirLab.Core.Configs;
using SbirLab.Core.Runs;
using SbirLab.Engine.Training;

namespace SbirLab.Engine.Tests.Training;

/// <summary>Seed 000's two-branch design on the pseudo-sketch twin, against one shared network.</summary>
[Collection("training")]
public class TwoBranchTrainingTests
{
    [Fact]
    public void TwoBranchesAlignTheDomainsAsWellAsSharedWeights()
    {
        double twoBranch = FinalMap(TwinConfig(SiameseKind.TwoBranch));
        double shared = FinalMap(TwinConfig(SiameseKind.Shared));

        // Measured here: 0.593 two branches, 0.617 shared. Before the shared head ran once over both domains, two
        // branches scored about a third of shared weights on this twin (0.26 against 0.78 after 10 epochs).
        Assert.True(twoBranch >= shared - 0.03, $"two branches mAP {twoBranch:F3}, shared weights {shared:F3}");
    }

    /// <summary>fm-sketch-triplet, cut to a few hundred steps: triplet + CE (0.4 / 0.6) on PK batches of photo–sketch pairs.</summary>
    private static RunConfig TwinConfig(SiameseKind siamese) => new()
    {
        Name = $"twin-{siamese}".ToLowerInvariant(),
        Seed = 1,
        Model = new ModelConfig { Backbone = BackboneKind.ConvNet, Siamese = siamese, EmbeddingHead = true, HiddenDim = 256, EmbeddingDim = 128 },
        Loss = new LossConfig { Embedding = EmbeddingLossKind.Triplet, EmbeddingWeight = 0.4, CrossEntropyWeight = 0.6, Margin = 0.2, Miner = MinerKind.All },
        Batch = new BatchConfig { Sampler = SamplerKind.Pk, Classes = 10, Items = 8, ImagesPerItem = 2 },
        Optimizer = new OptimizerConfig { LearningRate = 0.05, Momentum = 0.9, WeightDecay = 0.0001 },
        Schedule = new ScheduleConfig { Name = ScheduleKind.Cosine, WarmupEpochs = 0.2 },
        Training = new TrainingConfig { Epochs = 3, EvaluateEvery = 3 },
        Data = new DataConfig { Dataset = DatasetKind.FashionMnistSketch, TrainLimit = 4000 },
        Evaluation = new EvaluationConfig { PerClass = 40, Queries = 400, PrecisionAtK = [1], ExampleTopK = 5 },
    };

    private static double FinalMap(RunConfig config)
    {
        var folder = new RunFolder(RepoPaths.TempFolder(config.Name));
        var recorder = new TinyRuns.Recorder();
        var outcome = Trainer.Run(ConfigValidator.ForStart(config), folder, recorder, null, CancellationToken.None);
        Assert.Equal(RunStatus.Completed, outcome.Status);
        return recorder.Epochs[^1].Values["map"];
    }
}
