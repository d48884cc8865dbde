using System.Text;

namespace SbirLab.Cli.Tests;

[Collection("cli")]
public class CommandLineTests
{
    private static string Template(string name) => Path.Combine(RepoPaths.Root, "experiments", "fashion-mnist", name);

    [Fact]
    public async Task ValidateNamesTheWrongFieldItsValueAndWhatIsAllowed()
    {
        var (code, output) = await CliRunner.Run("config", "validate", Template("triplet.json"), "--set", "loss.margin=0.9", "--set", "batch.size=1");
        Assert.Equal(2, code);
        Assert.Contains("loss.margin = 0.9: a number in [0, 0.5]", output);
        Assert.Contains("batch.size = 1: a number in [2, 65536]", output);
        var ok = await CliRunner.Run("config", "validate", Template("triplet.json"));
        Assert.Equal(0, ok.ExitCode);
    }

    [Fact]
    public async Task QueueingABadConfigIsRefusedByTheStoreNamingTheFieldAndItsRangeAndQueuesNothing()
    {
        string data = CliRunner.Temp("queue-bad");
        var (code, output) = await CliRunner.Run("queue", Template("triplet.json"), "--set", "loss.margin=0.9", "--data", data);
        Assert.Equal(2, code);
        Assert.Contains("loss.margin = 0.9: a number in [0, 0.5]", output);
        var runs = await CliRunner.Run("runs", "list", "--data", data);
        Assert.True(runs.ExitCode == 0, runs.Output);
        Assert.DoesNotContain("triplet", runs.Output);
    }

    [Fact]
    public async Task TrainOutKeepsTheRunsHistoryInAStoreInsideItsFolderAndEvalExportAndResumeUseIt()
    {
        string folder = CliRunner.Temp("train");
        var (code, output) = await CliRunner.Run("train", Template("triplet.json"), "--out", folder,
            "--set", "training.epochs=1", "--set", "training.maxStepsPerEpoch=10", "--set", "data.trainLimit=1000",
            "--set", "evaluation.perClass=20", "--set", "evaluation.queries=30", "--set", "evaluation.precisionAtK=[1,5]");
        Assert.True(code == 0, output);
        Assert.Contains("completed", output);
        // The folder: artifacts and its store; no history files.
        foreach (var file in new[] { "sbirlab.db", "checkpoints/last.safetensors", "pictures/ranked-examples.png", "pictures/loss.png", "index/gallery.hnsw" })
            Assert.True(File.Exists(Path.Combine(folder, file)), file);
        foreach (var file in new[] { "config.json", "metrics-steps.csv", "metrics-epochs.csv", "eval.json", "log.txt", "provenance.json", "embedding-map.json" })
            Assert.False(File.Exists(Path.Combine(folder, file)), file);
        // The store: one completed run with its metrics, log, evaluation, maps and provenance.
        var trained = FolderStore.Read(folder);
        Assert.Equal(SbirLab.Core.Runs.RunStatus.Completed, trained.Run.Status);
        Assert.Equal(10, trained.Steps.Count(p => p.Name == "loss"));
        Assert.Contains(trained.Epochs, p => p.Name == "map");
        Assert.Contains(trained.Log, line => line.StartsWith("finished: completed after 10 steps", StringComparison.Ordinal));
        var report = SbirLab.Engine.Training.RunEvaluator.Parse(trained.Report)!.Report!;
        Assert.Equal((report.GalleryCount, report.MeanAveragePrecision), (trained.Run.GallerySize!.Value, trained.Run.EvaluationMap!.Value));
        Assert.Equal(trained.Epochs.Last(p => p.Name == "map").Value!.Value, report.MeanAveragePrecision, 9);
        Assert.Equal(2, trained.Maps); // t-SNE and PCA
        Assert.Contains("\"libTorch\"", trained.Run.ProvenanceJson, StringComparison.Ordinal);

        var eval = await CliRunner.Run("eval", folder, "--export-embeddings");
        Assert.True(eval.ExitCode == 0, eval.Output);
        Assert.Contains("mAP", eval.Output);
        Assert.Equal(2, FolderStore.Read(folder).Evaluations.Count); // the re-evaluation is stored with the run
        Assert.False(File.Exists(Path.Combine(folder, "eval.json")));

        // An export writes the history as files, as the store holds it.
        string zipPath = Path.Combine(CliRunner.Temp("train-export"), "run.zip");
        var exported = await CliRunner.Run("runs", "export", trained.Run.Id.ToString(System.Globalization.CultureInfo.InvariantCulture), "--data", folder, "--out", zipPath);
        Assert.True(exported.ExitCode == 0, exported.Output);
        using (var zip = System.IO.Compression.ZipFile.OpenRead(zipPath))
        {
            string Text(string name) => new StreamReader(zip.GetEntry(name)!.Open()).ReadToEnd();
            Assert.Equal(FolderStore.Read(folder).Report, Text("eval.json"));
            Assert.Equal(SbirLab.Store.RunExporter.MetricsCsv(trained.Steps, SbirLab.Store.Entities.MetricKind.Step), Text("metrics-steps.csv"));
            Assert.Equal(trained.Run.ProvenanceJson, Text("provenance.json"));
            Assert.NotNull(zip.GetEntry("embedding-map-tsne.json"));
            Assert.NotNull(zip.GetEntry("log.txt"));
        }
        var gallery = File.ReadAllBytes(Path.Combine(folder, "embeddings", "gallery.npy"));
        string header = Encoding.ASCII.GetString(gallery, 10, BitConverter.ToUInt16(gallery, 8));
        Assert.Contains("'shape': (200, 256)", header); // 20 per class × 10 classes, the ConvNet's 256-D feature
        Assert.True(File.Exists(Path.Combine(folder, "embeddings", "query-labels.npy")));
    }

    [Fact]
    public async Task EvalOfAFolderTrainedBeforeFoldersKeptAStoreGivesItOneWithTheRunAndItsOldFiles()
    {
        string folder = CliRunner.Temp("old-layout");
        var trained = await CliRunner.Run("train", Template("triplet.json"), "--out", folder,
            "--set", "training.epochs=1", "--set", "training.maxStepsPerEpoch=4", "--set", "data.trainLimit=500", "--set", "evaluation.mapPoints=0",
            "--set", "evaluation.perClass=10", "--set", "evaluation.queries=20", "--set", "evaluation.precisionAtK=[1,5]");
        Assert.True(trained.ExitCode == 0, trained.Output);
        // The folder as it was before run folders kept a store: checkpoints and pictures, the history as files.
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools(); // the in-process train's pooled connections would keep the deleted file open
        foreach (var file in Directory.GetFiles(folder, "sbirlab.db*")) File.Delete(file);
        File.WriteAllText(Path.Combine(folder, "log.txt"), "2026-11-30T10:00:00.000Z start: device cpu\n");
        File.WriteAllText(Path.Combine(folder, "metrics-epochs.csv"), "epoch,step,name,value\n0,4,loss,0.25\n0,4,map,0.125\n");
        File.WriteAllText(Path.Combine(folder, "eval.json"), """{"run":"tiny","epochs":1,"report":{"galleryCount":999,"meanAveragePrecision":0.125}}""");

        var eval = await CliRunner.Run("eval", folder);
        Assert.True(eval.ExitCode == 0, eval.Output);

        var adopted = FolderStore.Read(folder);
        Assert.Equal(SbirLab.Core.Runs.RunStatus.Completed, adopted.Run.Status);
        Assert.Equal(4, adopted.Run.CheckpointStep);
        Assert.Equal("start: device cpu", adopted.Log[0]);
        Assert.Equal(0.125, adopted.Epochs.Single(p => p.Name == "map").Value);
        Assert.Equal(2, adopted.Evaluations.Count); // the old eval.json, then this evaluation
        Assert.Equal("""{"run":"tiny","epochs":1,"report":{"galleryCount":999,"meanAveragePrecision":0.125}}""", adopted.Evaluations[0].ReportJson);
        Assert.Equal(100, adopted.Run.GallerySize); // from the new evaluation (10 per class × 10 classes), not the old file's
    }

    [Fact]
    public async Task EvalOfAMissingRunSaysSo()
    {
        var (code, output) = await CliRunner.Run("eval", CliRunner.Temp("nothing"));
        Assert.Equal(2, code);
        Assert.Contains("no checkpoint", output);
    }
}
