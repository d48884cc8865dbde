using SbirLab.Core.Configs;
using SbirLab.Core.Evaluations;
using SbirLab.Core.Runs;
using SbirLab.Engine.Training;

namespace SbirLab.Engine.Tests.Training;

/// <summary>Real training runs on FashionMNIST (installed by dataset-fashion-mnist).</summary>
[Collection("training")]
public class TrainerTests
{
    [Fact]
    public void TripletRunTrainsAndImprovesRetrieval()
    {
        var folder = new RunFolder(RepoPaths.TempFolder("trains"));
        var recorder = new TinyRuns.Recorder();
        var config = TinyRuns.Config(epochs: 3, steps: 15) with { Training = new TrainingConfig { Epochs = 3, MaxStepsPerEpoch = 15, EvaluateEvery = 1 } };
        var untrained = UntrainedMap(config);
        var outcome = Trainer.Run(ConfigValidator.ForStart(config), folder, recorder, null, CancellationToken.None);

        Assert.Equal(RunStatus.Completed, outcome.Status);
        Assert.Equal(45, outcome.Steps);
        double finalMap = recorder.Epochs[^1].Values["map"];
        Assert.True(finalMap > untrained + 0.05, $"mAP {finalMap:F3} should beat the untrained network's {untrained:F3}");
        double firstLosses = recorder.Steps.Take(5).Average(s => s.Values["loss"]);
        double lastLosses = recorder.Steps.TakeLast(5).Average(s => s.Values["loss"]);
        Assert.True(lastLosses < firstLosses, $"loss should fall: {firstLosses:F4} → {lastLosses:F4}");
        // The folder holds artifacts only: checkpoints, pictures, the gallery index; the history went to the observer.
        Assert.True(File.Exists(folder.LastCheckpoint));
        Assert.True(File.Exists(GalleryIndexBuilder.IndexPath(folder)));
        foreach (var picture in new[] { "loss.png", "map.png", "pr-curve.png", "recall-ratio.png", "ranked-examples.png", "embedding-map-tsne.png", "embedding-map-pca.png" })
            Assert.True(File.Exists(Path.Combine(folder.Pictures, picture)), picture);
        Assert.DoesNotContain(Directory.EnumerateFiles(folder.Root, "*", SearchOption.AllDirectories),
            f => f.EndsWith(".csv", StringComparison.Ordinal) || f.EndsWith(".json", StringComparison.Ordinal) || f.EndsWith(".txt", StringComparison.Ordinal));
        var evaluation = Assert.Single(recorder.Evaluations);
        Assert.Equal(finalMap, recorder.Map, 9);
        Assert.Equal([MapProjection.Tsne, MapProjection.Pca], evaluation.Maps.Select(m => m.Projection));
        Assert.True(evaluation.Maps[0].Points.Count >= 5);
        Assert.Equal(evaluation.Maps[0].Points.Select(p => (p.Set, p.Index, p.Label)), evaluation.Maps[1].Points.Select(p => (p.Set, p.Index, p.Label)));
        Assert.Contains(evaluation.Maps[0].Points, p => p.Set == ImageSetKind.Query);
        Assert.Contains(evaluation.Maps[0].Points, p => p.Set == ImageSetKind.Gallery);
        Assert.Equal(2, evaluation.Maps[1].ExplainedVariance!.Count);
        var start = Assert.Single(recorder.Starts);
        Assert.Equal(config.Seed, start.Provenance!.Seed);
        Assert.Equal(start.Device, start.Provenance.Device);
        Assert.Contains(recorder.Log, line => line.StartsWith("finished: completed after 45 steps", StringComparison.Ordinal));
    }

    private static double UntrainedMap(RunConfig config)
    {
        var folder = new RunFolder(RepoPaths.TempFolder("untrained"));
        var recorder = new TinyRuns.Recorder();
        var outcome = Trainer.Run(ConfigValidator.ForStart(config with { Training = config.Training with { Epochs = 0 } }), folder, recorder, null, CancellationToken.None);
        Assert.Equal(RunStatus.Completed, outcome.Status);
        return recorder.Map;
    }

    [Fact]
    public void StoppedRunResumesExactlyAsAnUninterruptedOne()
    {
        var config = TinyRuns.Config(epochs: 2, steps: 8);
        var straight = new TinyRuns.Recorder();
        Assert.Equal(RunStatus.Completed, Trainer.Run(ConfigValidator.ForStart(config), new RunFolder(RepoPaths.TempFolder("straight")), straight, null, CancellationToken.None).Status);

        var folder = new RunFolder(RepoPaths.TempFolder("stopped"));
        using var stop = new CancellationTokenSource();
        var first = new TinyRuns.Recorder(step => { if (step.Step == 10) stop.Cancel(); });
        var stopped = Trainer.Run(ConfigValidator.ForStart(config), folder, first, null, stop.Token);
        Assert.Equal(RunStatus.Stopped, stopped.Status);
        Assert.Equal(11, stopped.Steps); // steps 0..10 ran; the stop is honoured before step 11
        Assert.Equal(1, stopped.LastCheckpoint!.Epoch);
        Assert.Equal(3, stopped.LastCheckpoint.BatchInEpoch);

        var second = new TinyRuns.Recorder();
        var resumed = Trainer.Run(ConfigValidator.ForStart(config), folder, second, stopped.LastCheckpoint, CancellationToken.None);
        Assert.Equal(RunStatus.Completed, resumed.Status);
        Assert.Equal(11, second.Starts[0].StartStep);
        var combined = first.Steps.Concat(second.Steps).ToList();
        Assert.Equal(Enumerable.Range(0, 16).Select(i => (long)i), combined.Select(s => s.Step));
        for (int i = 0; i < 16; i++)
            Assert.Equal(straight.Steps[i].Values["loss"], combined[i].Values["loss"], 5);
        Assert.Equal(straight.Epochs[^1].Values["map"], second.Epochs[^1].Values["map"], 5);
        // The resumed epoch's mean loss covers its steps before the stop too (they come from the checkpoint).
        Assert.Equal(straight.Epochs[^1].Values["loss"], second.Epochs[^1].Values["loss"], 5);
        Assert.Equal(3, stopped.LastCheckpoint.Progress!.Steps);
    }

    [Fact]
    public void NaNLossStopsTheRunAsDivergedAndKeepsItsHistory()
    {
        // A learning rate of 1000 (a typo for 0.001, say) blows the weights up to ∞ within a few steps.
        var config = TinyRuns.Config(EmbeddingLossKind.None, epochs: 3, steps: 20) with { Optimizer = new OptimizerConfig { LearningRate = 1000, Momentum = 0.9 } };
        var folder = new RunFolder(RepoPaths.TempFolder("diverged"));
        var recorder = new TinyRuns.Recorder();
        var outcome = Trainer.Run(ConfigValidator.ForStart(config), folder, recorder, null, CancellationToken.None);
        Assert.Equal(RunStatus.Diverged, outcome.Status);
        Assert.Matches(@"^loss became (NaN|[+-]infinity) at step \d+$", outcome.Message);
        Assert.NotEmpty(recorder.Steps);
        Assert.Empty(recorder.Evaluations); // a diverged run is not evaluated
        Assert.Contains(recorder.Log, line => line.StartsWith("finished: diverged", StringComparison.Ordinal));
    }

    [Fact]
    public void SameSeedSameCurve()
    {
        var config = TinyRuns.Config(EmbeddingLossKind.SmoothAp, epochs: 1, steps: 6);
        var a = new TinyRuns.Recorder();
        var b = new TinyRuns.Recorder();
        Trainer.Run(ConfigValidator.ForStart(config), new RunFolder(RepoPaths.TempFolder("seed-a")), a, null, CancellationToken.None);
        Trainer.Run(ConfigValidator.ForStart(config), new RunFolder(RepoPaths.TempFolder("seed-b")), b, null, CancellationToken.None);
        Assert.Equal(a.Steps.Select(s => s.Values["loss"]), b.Steps.Select(s => s.Values["loss"]));
        var other = new TinyRuns.Recorder();
        Trainer.Run(ConfigValidator.ForStart(config with { Seed = 8 }), new RunFolder(RepoPaths.TempFolder("seed-c")), other, null, CancellationToken.None);
        Assert.NotEqual(a.Steps.Select(s => s.Values["loss"]), other.Steps.Select(s => s.Values["loss"]));
    }

    [Fact]
    public void InitFromAnotherRunStartsFromItsWeights()
    {
        // Seed 004's option: the triplet run may start from the classification run. With zero epochs the
        // initialised network must rank exactly as the classification run's final network does.
        var classification = new RunFolder(RepoPaths.TempFolder("cls"));
        var recorder = new TinyRuns.Recorder();
        Trainer.Run(ConfigValidator.ForStart(TinyRuns.Config(EmbeddingLossKind.None, epochs: 1, steps: 6)), classification, recorder, null, CancellationToken.None);
        double classificationMap = recorder.Epochs[^1].Values["map"];

        var initialised = new RunFolder(RepoPaths.TempFolder("init"));
        var config = TinyRuns.Config(EmbeddingLossKind.Triplet, epochs: 0) with { Model = new ModelConfig { InitFrom = classification.Root } };
        var log = new TinyRuns.Recorder();
        Assert.Equal(RunStatus.Completed, Trainer.Run(ConfigValidator.ForStart(config), initialised, log, null, CancellationToken.None).Status);
        Assert.Contains(log.Log, line => line.StartsWith("initialised from", StringComparison.Ordinal));
        Assert.Equal(classificationMap, log.Map, 9);
    }
}
