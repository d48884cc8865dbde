using SbirLab.Core.Configs;
using SbirLab.Core.Runs;
using SbirLab.Engine.Models;
using SbirLab.Engine.Tests.Models;
using SbirLab.Engine.Training;
using SbirLab.Engine.Weights;
using TorchSharp;
using static TorchSharp.torch;

namespace SbirLab.Engine.Tests.Weights;

public class BackboneWeightsTests
{
    private static readonly ModelConfig TwoBranchConvNet = new() { Backbone = BackboneKind.ConvNet, Siamese = SiameseKind.TwoBranch, EmbeddingHead = true, HiddenDim = 32, EmbeddingDim = 16 };

    /// <summary>A run folder whose last checkpoint holds <paramref name="model"/>, as a finished run leaves it.</summary>
    private static RunFolder SavedRun(SiameseNetwork model, string name)
    {
        var folder = new RunFolder(RepoPaths.TempFolder(name)).Create();
        using var optimizer = new Optimizer(model.named_parameters(), new OptimizerConfig());
        Checkpoints.Save(folder, model, optimizer, epoch: 1, batchInEpoch: 0, step: 10, new RunConfig());
        return folder;
    }

    private static RunConfig With(ModelConfig model) => new() { Model = model };

    [Fact]
    public void ARunsOwnCheckpointGivesEachBranchItsOwnBackbone()
    {
        using var scope = torch.NewDisposeScope();
        torch.manual_seed(3);
        using var trained = ModelFactory.Create(With(TwoBranchConvNet), 10, _ => { });
        var run = SavedRun(trained, "two-branch-source");
        var log = new List<string>();
        torch.manual_seed(4);

        using var model = ModelFactory.Create(With(TwoBranchConvNet with { PretrainedSketch = run.Root, PretrainedPhoto = run.LastCheckpoint }), 10, log.Add);

        var source = trained.state_dict();
        var loaded = model.state_dict();
        foreach (var name in new[] { "0.weight", "3.bias", "6.weight" })
        {
            TensorAssert.Equal(source["sketch." + name], loaded["sketch." + name]);
            TensorAssert.Equal(source["photo." + name], loaded["photo." + name]);
        }
        TensorAssert.NotEqual(source["head.0.weight"], loaded["head.0.weight"]); // only backbones are taken
        Assert.Contains(log, l => l.StartsWith("sketch backbone from", StringComparison.Ordinal) && l.Contains("(sketch.*)") && l.Contains("loaded 6, missing 0"));
        Assert.Contains(log, l => l.StartsWith("photo backbone from", StringComparison.Ordinal) && l.Contains("(photo.*)"));
    }

    [Fact]
    public void ASharedWeightRunsBackbonePretrainsEitherBranch()
    {
        using var scope = torch.NewDisposeScope();
        torch.manual_seed(5);
        using var shared = ModelFactory.Create(With(TwoBranchConvNet with { Siamese = SiameseKind.Shared }), 10, _ => { });
        var run = SavedRun(shared, "shared-source");

        using var model = ModelFactory.Create(With(TwoBranchConvNet with { PretrainedPhoto = run.Root }), 10, _ => { });

        TensorAssert.Equal(shared.state_dict()["backbone.3.weight"], model.state_dict()["photo.3.weight"]);
        TensorAssert.NotEqual(shared.state_dict()["backbone.3.weight"], model.state_dict()["sketch.3.weight"]);
    }

    [Fact]
    public void APretrainedBackboneMissingTensorsFailsWithTheirNamesUnlessPartialLoadsAreAllowed()
    {
        using var scope = torch.NewDisposeScope();
        using var backbone = new ConvNet(numClasses: 0);
        string file = Path.Combine(RepoPaths.TempFolder("partial"), "convnet-first-conv.safetensors");
        SafeTensors.Save(file, backbone.state_dict().Where(t => t.Key.StartsWith("0.", StringComparison.Ordinal)));

        var failure = Assert.Throws<WeightLoadException>(() => ModelFactory.Create(With(TwoBranchConvNet with { PretrainedSketch = file }), 10, _ => { }));

        Assert.Contains("model.pretrainedSketch", failure.Message);
        Assert.Contains("gives the sketch backbone 2 of its 6 tensors", failure.Message);
        Assert.Contains("missing 4: 3.weight, 3.bias, 6.weight, 6.bias", failure.Message);
        Assert.Contains("model.allowPartialLoad", failure.Message);

        var log = new List<string>();
        using var partial = ModelFactory.Create(With(TwoBranchConvNet with { PretrainedSketch = file, AllowPartialLoad = true }), 10, log.Add);
        TensorAssert.Equal(backbone.state_dict()["0.weight"], partial.state_dict()["sketch.0.weight"]);
        Assert.Contains(log, l => l.Contains("missing     3.weight", StringComparison.Ordinal));
    }

    [Fact]
    public void InitFromIsStrictToo()
    {
        using var scope = torch.NewDisposeScope();
        using var twoBranch = ModelFactory.Create(With(TwoBranchConvNet), 10, _ => { });
        var run = SavedRun(twoBranch, "init-source");

        var failure = Assert.Throws<WeightLoadException>(() => ModelFactory.Create(With(TwoBranchConvNet with { Siamese = SiameseKind.Shared, InitFrom = run.Root }), 10, _ => { }));

        Assert.Contains("model.initFrom", failure.Message);
        Assert.Contains("backbone.0.weight", failure.Message);
        using var same = ModelFactory.Create(With(TwoBranchConvNet with { InitFrom = run.Root }), 10, _ => { });
        TensorAssert.Equal(twoBranch.state_dict()["head.0.weight"], same.state_dict()["head.0.weight"]);
    }

    [Fact]
    public void AnExportedBackboneHasTorchvisionNamesAndLoadsIntoAFreshResNetWithNothingMissing()
    {
        using var scope = torch.NewDisposeScope();
        torch.manual_seed(6);
        using var trained = SiameseNetwork.Create(new SiameseOptions(BackboneKind.ResNet18, TwoBranch: true, UseHead: true, HiddenDim: 32, EmbeddingDim: 16, NumClasses: 5, InputChannels: 3));
        var run = SavedRun(trained, "export-source");
        string file = Path.Combine(run.Root, "photo-backbone.safetensors");

        int written = BackboneWeights.Export(run.Root, Domain.Photo, file);

        Assert.Equal(120, written); // ResNet-18 without fc: 20 convolutions/downsamples, 20 BatchNorms of 5 tensors
        Assert.Contains("layer4.1.bn2.running_var", SafeTensors.ReadHeader(file).Tensors.Select(t => t.Name));
        using var fresh = ResNet.Create(18, numClasses: 0);
        var report = StateDictImporter.ApplyFile(fresh, file);
        Assert.Empty(report.Missing);
        Assert.Empty(report.Unexpected);
        Assert.Empty(report.Mismatched);
        TensorAssert.Equal(trained.state_dict()["photo.layer2.0.conv1.weight"], fresh.state_dict()["layer2.0.conv1.weight"]);
    }

    [Fact]
    public void ARunFolderWithoutACheckpointSaysSo()
    {
        var folder = new RunFolder(RepoPaths.TempFolder("untrained")).Create();
        var failure = Assert.Throws<FileNotFoundException>(() => BackboneWeights.Read(folder.Root, Domain.Sketch));
        Assert.Contains("has no checkpoint yet", failure.Message);
    }
}
