using SbirLab.Core.Configs;
using SbirLab.Core.Runs;
using SbirLab.Engine.Evaluation;
using SbirLab.Engine.Training;

namespace SbirLab.Engine.Tests.Training;

/// <summary>Seed 001's recipe trained for real: Koch's pair head on FashionMNIST with classes held out.</summary>
[Collection("training")]
public class OneShotRunTests
{
    /// <summary>experiments/seed-001/koch-one-shot.json cut down for a test: 80 Adam steps of 32 pairs, a 300-image held-out pool.</summary>
    public static readonly string[] Overrides =
    [
        "optimizer.name=adam", "optimizer.learningRate=0.0005", "optimizer.momentum=0", "batch.size=32",
        "training.epochs=1", "training.maxStepsPerEpoch=80", "data.trainLimit=4000",
        "evaluation.perClass=60", "evaluation.oneShot.verificationPairs=1000",
    ];

    private static RunConfig Config(params string[] more) =>
        ConfigJson.Load(Path.Combine(RepoPaths.Root, "experiments", "seed-001", "koch-one-shot.json"), [.. Overrides, .. more]);

    [Fact]
    public void AShortPairRunBeatsTheUntrainedNetworkOnClassesItNeverSaw()
    {
        var untrained = Report(Config("training.epochs=0"), out _);
        var recorder = new TinyRuns.Recorder();
        var trained = Report(Config(), out var folder, recorder);

        // The pair sampler's training accuracy rises above chance, and the held-out classes are the five not trained on.
        Assert.Equal([2, 3, 6, 7, 9], trained.HeldOutClasses);
        Assert.True(recorder.Steps.TakeLast(10).Average(s => s.Values["accuracy"]) > 0.6, "same / different accuracy of the last steps");
        var (pair, nn) = (Method(trained, "pair-head"), Method(trained, "nearest-neighbour"));
        var (pairBefore, nnBefore) = (Method(untrained, "pair-head"), Method(untrained, "nearest-neighbour"));
        // Learnt: the trained scorers' intervals lie above the untrained ones', not just their means.
        Assert.True(nn.Ways.Single(w => w.Ways == 4).Low > nnBefore.Ways.Single(w => w.Ways == 4).High,
            $"4-way nearest neighbour: trained {nn.Ways[1]} vs untrained {nnBefore.Ways[1]}");
        Assert.True(pair.Ways.Single(w => w.Ways == 2).Low > pairBefore.Ways.Single(w => w.Ways == 2).High,
            $"2-way pair head: trained {pair.Ways[0]} vs untrained {pairBefore.Ways[0]}");
        Assert.True(pair.Verification.Auc > pairBefore.Verification.Auc + 0.05, $"pair-head AUC {pair.Verification.Auc:F3} vs untrained {pairBefore.Verification.Auc:F3}");
        Assert.All(trained.Methods.SelectMany(m => m.Ways), w => Assert.Equal(1000, w.Episodes));

        // The evaluation holds the one-shot report instead of retrieval (and no map); the pictures are the ROC and the episode grid.
        var file = recorder.Report;
        Assert.Empty(recorder.Evaluations[^1].Maps);
        Assert.Null(file.Report);
        Assert.Equal(8, file.OneShot!.Examples.Length);
        Assert.All(file.OneShot.Examples, e => Assert.Equal(e.SupportLabels[e.Answer], e.QueryLabel));
        foreach (var picture in new[] { "loss.png", "accuracy.png", "one-shot.png", "roc.png", "one-shot-episodes.png" })
            Assert.True(File.Exists(Path.Combine(folder.Pictures, picture)), picture);
        // The epoch figures carry the one-shot accuracies under their scorer's name.
        Assert.Equal(pair.Ways.Single(w => w.Ways == 5).Accuracy, recorder.Epochs[^1].Values["pair_one_shot_5way"], 9);
        Assert.Equal(nn.Verification.Auc, recorder.Epochs[^1].Values["nn_auc"], 9);
    }

    [Fact]
    public void ARunWithAClassSplitTrainsOnItsClassesAlone()
    {
        using var bundle = SbirLab.Engine.Datasets.DataBundles.Load(Config());
        Assert.Equal(5, bundle.TrainClasses);
        Assert.Equal([0L, 1, 2, 3, 4], bundle.Train.Labels.Distinct().Order());
        Assert.Equal(4000, bundle.Train.Count);
        Assert.All(bundle.Evaluation.Queries.Labels, label => Assert.Contains(label, new long[] { 2, 3, 6, 7, 9 }));
        Assert.Equal(300, bundle.Evaluation.Queries.Count);
    }

    private static OneShotMethod Method(OneShotReport report, string name) => report.Methods.Single(m => m.Name == name);

    private static OneShotReport Report(RunConfig config, out RunFolder folder, TinyRuns.Recorder? recorder = null)
    {
        folder = new RunFolder(RepoPaths.TempFolder("koch"));
        recorder ??= new TinyRuns.Recorder();
        var outcome = Trainer.Run(ConfigValidator.ForStart(config), folder, recorder, null, CancellationToken.None);
        Assert.Equal(RunStatus.Completed, outcome.Status);
        return recorder.Report.OneShot!;
    }
}
