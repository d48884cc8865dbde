using SbirLab.Core.Configs;
using SbirLab.Core.Runs;
using SbirLab.Engine.Models;
using SbirLab.Engine.Training;
using SbirLab.Engine.Weights;
using SbirLab.Store;
using TorchSharp;

namespace SbirLab.Cli.Tests;

[Collection("cli")]
public class ExportCommandTests
{
    [Fact]
    public async Task ExportBackboneOfAStoreRunWritesTorchvisionNamesThatLoadIntoAFreshResNetWithNothingMissing()
    {
        string data = CliRunner.Temp("export");
        long id;
        using (var store = RunStore.Open(new DataFolder(data)))
            id = store.Queue(new RunConfig { Name = "two-branch-resnet" });
        using var scope = torch.NewDisposeScope();
        torch.manual_seed(2);
        using var trained = SiameseNetwork.Create(new SiameseOptions(BackboneKind.ResNet18, TwoBranch: true, UseHead: true, HiddenDim: 32, EmbeddingDim: 16, NumClasses: 4, InputChannels: 3));
        var folder = new DataFolder(data).RunFolder(id).Create();
        using (var optimizer = new Optimizer(trained.named_parameters(), new OptimizerConfig()))
            Checkpoints.Save(folder, trained, optimizer, epoch: 1, batchInEpoch: 0, step: 3, new RunConfig());
        string file = Path.Combine(data, "sketch-resnet18.safetensors");

        var exported = await CliRunner.Run("export", "backbone", $"#{id}", "--branch", "sketch", "--out", file, "--data", data);

        Assert.True(exported.ExitCode == 0, exported.Output);
        Assert.Contains("120 tensors of the sketch backbone", exported.Output);
        using var fresh = ResNet.Create(18, numClasses: 0);
        var report = StateDictImporter.ApplyFile(fresh, file);
        Assert.True(report.IsComplete, report.ToText());
        Assert.Equal(120, report.Loaded.Count);
        Assert.True(trained.state_dict()["sketch.layer3.1.conv2.weight"].equal(fresh.state_dict()["layer3.1.conv2.weight"]).all().item<bool>());
    }

    [Fact]
    public async Task ExportingARunThatIsNotThereSaysSo()
    {
        string data = CliRunner.Temp("export-missing");
        var result = await CliRunner.Run("export", "backbone", "no-such-run", "--out", Path.Combine(data, "x.safetensors"), "--data", data);
        Assert.Equal(2, result.ExitCode);
        Assert.Contains("no run of the store", result.Output);
    }
}
