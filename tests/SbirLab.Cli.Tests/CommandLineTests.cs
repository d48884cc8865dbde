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
    public async Task TrainThenEvalWithExportWritesTheRunFolderAndNumpyFiles()
    {
        string folder = CliRunner.Temp("train");
        var (code, output) = await CliRunner.Run("train", Template("triplet.json"), "--out", folder,
            "--set", "training.epochs=1", "--set", "training.maxStepsPerEpoch=10", "--set", "data.trainLimit=1000",
            "--set", "evaluation.perClass=20", "--set", "evaluation.queries=30", "--set", "evaluation.precisionAtK=[1,5]");
        Assert.True(code == 0, output);
        Assert.Contains("completed", output);
        foreach (var file in new[] { "config.json", "metrics-steps.csv", "metrics-epochs.csv", "eval.json", "log.txt", "checkpoints/last.safetensors", "pictures/ranked-examples.png" })
            Assert.True(File.Exists(Path.Combine(folder, file)), file);

        var eval = await CliRunner.Run("eval", folder, "--export-embeddings");
        Assert.True(eval.ExitCode == 0, eval.Output);
        Assert.Contains("mAP", eval.Output);
        var gallery = File.ReadAllBytes(Path.Combine(folder, "embeddings", "gallery.npy"));
        string header = Encoding.ASCII.GetString(gallery, 10, BitConverter.ToUInt16(gallery, 8));
        Assert.Contains("'shape': (200, 256)", header); // 20 per class × 10 classes, the ConvNet's 256-D feature
        Assert.True(File.Exists(Path.Combine(folder, "embeddings", "query-labels.npy")));
    }

    [Fact]
    public async Task EvalOfAMissingRunSaysSo()
    {
        var (code, output) = await CliRunner.Run("eval", CliRunner.Temp("nothing"));
        Assert.Equal(2, code);
        Assert.Contains("no checkpoint", output);
    }
}
