using SbirLab.Core.Configs;
using SbirLab.Core.Runs;
using SbirLab.Engine.Datasets;
using SbirLab.Engine.Models;
using SbirLab.Engine.Training;
using TorchSharp;
using static TorchSharp.torch;

namespace SbirLab.Engine.Tests.Training;

/// <summary>
/// <see cref="TrainedRun"/> opens a run from its checkpoint with its evaluation sets only. The runs here point
/// data.root at a FashionMNIST folder that holds the test split and no training split, so any attempt to read
/// training images fails.
/// </summary>
public sealed class TrainedRunTests : IDisposable
{
    private readonly string _testOnlyData = RepoPaths.TempFolder("test-split-only");
    private readonly List<string> _folders = [];

    public TrainedRunTests()
    {
        string source = FashionMnist.ResolveFolder(null);
        foreach (var file in Directory.GetFiles(source, "t10k-*"))
            File.CreateSymbolicLink(Path.Combine(_testOnlyData, Path.GetFileName(file)), file);
    }

    private RunConfig Config(DatasetKind dataset) => new()
    {
        Name = "trained-run",
        Seed = 3,
        Loss = new LossConfig { Embedding = EmbeddingLossKind.Triplet, EmbeddingWeight = 1, CrossEntropyWeight = 1, Margin = 0.2, Anchors = 10 },
        Data = new DataConfig { Dataset = dataset, Root = _testOnlyData },
        Evaluation = new EvaluationConfig { PerClass = 20, Queries = 30, PrecisionAtK = [1, 5], ExampleTopK = 5 },
    };

    /// <summary>A run folder with one checkpoint of a freshly initialised network (with its classifier), and that network.</summary>
    private (RunFolder Folder, SiameseNetwork Model) SavedRun(RunConfig config)
    {
        var folder = new RunFolder(RepoPaths.TempFolder("trained-run"));
        _folders.Add(folder.Root);
        var model = ModelFactory.Create(config, numClasses: 10, _ => { });
        using var optimizer = new Optimizer(model.named_parameters(), config.Optimizer);
        Checkpoints.Save(folder, model, optimizer, epoch: 1, batchInEpoch: 0, step: 10, config);
        return (folder, model);
    }

    [Theory]
    [InlineData(DatasetKind.FashionMnist, 30, 200)]
    [InlineData(DatasetKind.FashionMnistSketch, 30, 9800)]
    public void ARunOpensWithoutItsTrainingSet(DatasetKind dataset, int queries, int gallery)
    {
        var config = Config(dataset);
        var (folder, _) = SavedRun(config);

        // The training split is not there: loading the run's training data fails...
        Assert.Throws<FileNotFoundException>(() => DataBundles.Load(config).Dispose());

        // ...and opening the trained run does not need it.
        using var run = TrainedRun.Open(folder.Root);
        Assert.Equal((queries, gallery), (run.Data.Queries.Count, run.Data.Gallery.Count));
        Assert.Equal(ConfigJson.Serialize(config), ConfigJson.Serialize(run.Config));
        Assert.Equal(folder.LastCheckpoint, run.Checkpoint);
        Assert.True(run.Bytes > (long)gallery * 28 * 28);
    }

    [Fact]
    public void TheNetworkIsInEvalModeWithTheCheckpointsWeights()
    {
        var config = Config(DatasetKind.FashionMnist);
        var (folder, saved) = SavedRun(config);
        using var _ = saved;
        saved.eval();

        using var run = TrainedRun.Open(folder.LastCheckpoint);
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        var images = run.Data.Gallery.Batch([0, 1, 2, 3]);

        Assert.False(run.Model.training);
        Assert.Equal(saved.state_dict().Count - 2, run.Model.state_dict().Count); // the classifier's weight and bias: a training-set matter, left out
        var expected = saved.Embed(images, Domain.Photo).data<float>().ToArray();
        var actual = run.Model.Embed(images, Domain.Photo).data<float>().ToArray();
        Assert.Equal(expected, actual);
        Assert.InRange(run.Evaluator().Evaluate(run.Model).MeanAveragePrecision, 0, 1);
    }

    [Fact]
    public void ACheckpointOfAnotherNetworkIsRefused()
    {
        // ConvNet weights stored under a config that names ResNet-18: the network it builds finds none of its tensors.
        var config = Config(DatasetKind.FashionMnist);
        var folder = new RunFolder(RepoPaths.TempFolder("trained-run"));
        _folders.Add(folder.Root);
        using var convNet = ModelFactory.Create(config, 10, _ => { });
        using var optimizer = new Optimizer(convNet.named_parameters(), config.Optimizer);
        Checkpoints.Save(folder, convNet, optimizer, 1, 0, 10, config with { Model = config.Model with { Backbone = BackboneKind.ResNet18 } });

        Assert.Throws<InvalidDataException>(() => TrainedRun.Open(folder.Root).Dispose());
    }

    public void Dispose()
    {
        foreach (var folder in _folders.Append(_testOnlyData))
            if (Directory.Exists(folder)) Directory.Delete(folder, recursive: true);
    }
}
