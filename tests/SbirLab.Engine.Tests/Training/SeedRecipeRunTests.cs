using System.Text.Json;
using SbirLab.Core.Configs;
using SbirLab.Core.Runs;
using SbirLab.Engine.Training;

namespace SbirLab.Engine.Tests.Training;

/// <summary>Seeds 002 and 003 trained for real from their templates, cut down to seconds.</summary>
[Collection("training")]
public class SeedRecipeRunTests
{
    private static readonly string[] Small =
    [
        "training.epochs=1", "data.trainLimit=2000", "evaluation.perClass=30", "evaluation.queries=150", "evaluation.mapPoints=0",
    ];

    private static RunConfig Template(string seed, string file, params string[] more) =>
        ConfigJson.Load(Path.Combine(RepoPaths.Root, "experiments", seed, file), [.. Small, .. more]);

    [Fact]
    public void Seed002sContrastivePairsTrainItsNetworkToRetrieveBetterThanUntrained()
    {
        var untrained = Evaluate(Template("seed-002", "contrastive-pairs.json", "training.epochs=0"), out _);
        var recorder = new TinyRuns.Recorder();
        var trained = Evaluate(Template("seed-002", "contrastive-pairs.json", "training.maxStepsPerEpoch=25"), out _, recorder);
        Assert.Equal(25, recorder.Steps.Count);
        Assert.True(recorder.Steps.TakeLast(5).Average(s => s.Values["loss"]) < recorder.Steps.Take(5).Average(s => s.Values["loss"]), "the contrastive loss falls");
        double before = untrained.Report!.MeanAveragePrecision, after = trained.Report!.MeanAveragePrecision;
        Assert.True(after > before + 0.05, $"mAP trained {after:F3} vs untrained {before:F3}");
    }

    [Fact]
    public void Seed003sFineTuningReadsTheTopFiveHitRateThroughTheSavedHnswIndex()
    {
        var classification = Template("seed-003", "classification.json", "training.maxStepsPerEpoch=20");
        Evaluate(classification, out var pretrained);
        var recorder = new TinyRuns.Recorder();
        var fineTuned = Evaluate(Template("seed-003", "pk-semi-hard.json", "training.maxStepsPerEpoch=15", $"model.initFrom={pretrained.Root}"), out var folder, recorder);

        Assert.Contains(recorder.Log, line => line.StartsWith("initialised from", StringComparison.Ordinal) && line.Contains("missing 0", StringComparison.Ordinal));
        var index = fineTuned.Index!;
        Assert.True(File.Exists(GalleryIndexBuilder.IndexPath(folder)));
        Assert.InRange(index.HnswTop5Hit!.Value, 0.0, 1.0);
        // The index's top-5 hit rate is the exact search's up to the queries HNSW misses: its recall@10 bounds the gap.
        double exactTop5 = fineTuned.Report!.TopKHitRate.Single(h => h.K == 5).Value;
        Assert.Equal(exactTop5, index.ExactTop5Hit!.Value, 9);
        Assert.True(Math.Abs(index.HnswTop5Hit.Value - exactTop5) <= 1 - index.HnswRecallAt10 + 0.02,
            $"HNSW top-5 {index.HnswTop5Hit:F3}, exact {exactTop5:F3}, recall@10 {index.HnswRecallAt10:F3}");
        Assert.Equal(index.HnswTop5Hit.Value, RunEvaluator.Figures(fineTuned)["top5_hit_hnsw"]);
    }

    private static EvaluationFile Evaluate(RunConfig config, out RunFolder folder, TinyRuns.Recorder? recorder = null)
    {
        folder = new RunFolder(RepoPaths.TempFolder(config.Name));
        recorder ??= new TinyRuns.Recorder();
        var outcome = Trainer.Run(ConfigValidator.ForStart(config), folder, recorder, null, CancellationToken.None);
        Assert.Equal(RunStatus.Completed, outcome.Status);
        return recorder.Report;
    }
}
