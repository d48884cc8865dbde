using SbirLab.Core.Configs;


namespace SbirLab.Core.Tests.Configs;

/// <summary>Config paths are read only from the lab's roots, with every symbolic link followed.</summary>
public sealed class PathRootsTests : IDisposable
{
    private readonly TempDir _dir = new();
    private readonly PathRoots _roots;

    public PathRootsTests()
    {
        Directory.CreateDirectory(_dir.File("data", "datasets", "sketches", "cat"));
        Directory.CreateDirectory(_dir.File("data", "weights"));
        Directory.CreateDirectory(_dir.File("data", "runs", "1"));
        Directory.CreateDirectory(_dir.File("elsewhere", "cat"));
        File.WriteAllText(_dir.File("data", "weights", "w.safetensors"), "x");
        File.WriteAllText(_dir.File("elsewhere", "secret.safetensors"), "root:x:0:0:root:/root:/bin/bash");
        _roots = new PathRoots(_dir.File("data"), [_dir.File("data", "datasets")], [_dir.File("data", "weights")], [_dir.File("data", "runs")]);
    }

    public void Dispose() => _dir.Dispose();

    private HostLimits Limits => new(_roots, long.MaxValue, 50, TimeSpan.FromHours(1));

    [Fact]
    public void RelativePathsAreTakenFromTheDataFolderAndAcceptedInsideTheirRoots()
    {
        Assert.Equal(_dir.File("data", "weights", "w.safetensors"), _roots.Confine("weights/w.safetensors", PathKind.Weights));
        Assert.Equal(_dir.File("data", "runs", "1"), _roots.Confine("runs/1", PathKind.Weights));
        Assert.Equal(_dir.File("data", "datasets", "sketches"), _roots.Confine(_dir.File("data", "datasets", "sketches"), PathKind.Dataset));
    }

    [Fact]
    public void PathsOutsideTheRootsOrOfTheOtherKindAreRefused()
    {
        Assert.Null(_roots.Confine("/etc/passwd", PathKind.Weights));
        Assert.Null(_roots.Confine("weights/../../elsewhere/secret.safetensors", PathKind.Weights));
        Assert.Null(_roots.Confine("datasets/sketches", PathKind.Weights));
        Assert.Null(_roots.Confine("weights/w.safetensors", PathKind.Dataset));
        Assert.Null(_roots.Confine(_dir.File("data", "datasets-other"), PathKind.Dataset)); // a prefix is not a parent
    }

    [Fact]
    public void ASymbolicLinkInsideARootThatLeadsOutIsRefused()
    {
        File.CreateSymbolicLink(_dir.File("data", "weights", "leak.safetensors"), _dir.File("elsewhere", "secret.safetensors"));
        Directory.CreateSymbolicLink(_dir.File("data", "datasets", "linked"), _dir.File("elsewhere"));
        Directory.CreateSymbolicLink(_dir.File("data", "datasets", "relative"), "../../elsewhere");

        Assert.Null(_roots.Confine("weights/leak.safetensors", PathKind.Weights));
        Assert.Null(_roots.Confine("datasets/linked/cat", PathKind.Dataset));
        Assert.Null(_roots.Confine("datasets/relative", PathKind.Dataset));
        var error = Assert.Throws<ConfigException>(() => _roots.Apply(new RunConfig { Model = new ModelConfig { PretrainedSketch = "weights/leak.safetensors" } }));
        Assert.Equal("model.pretrainedSketch", Assert.Single(error.Errors).Field);
        Assert.Contains(_dir.File("data", "weights"), error.Message); // the message names the roots
    }

    [Fact]
    public void ALinkThatStaysInsideItsRootIsFollowedToItsRealPath()
    {
        Directory.CreateSymbolicLink(_dir.File("data", "datasets", "alias"), "sketches");
        Assert.Equal(_dir.File("data", "datasets", "sketches", "cat"), _roots.Confine("datasets/alias/cat", PathKind.Dataset));
    }

    [Fact]
    public void ApplyReplacesEveryPathByItsCheckedRealPath()
    {
        var config = _roots.Apply(new RunConfig
        {
            Model = new ModelConfig { PretrainedSketch = "weights/w.safetensors", InitFrom = "runs/1" },
            Data = new DataConfig { Dataset = DatasetKind.Folders, TrainSketches = "datasets/sketches", TrainPhotos = "datasets/sketches", EvalQueries = "datasets/sketches", EvalGallery = "datasets/sketches" },
        });
        Assert.Equal(_dir.File("data", "weights", "w.safetensors"), config.Model.PretrainedSketch);
        Assert.Equal(_dir.File("data", "runs", "1"), config.Model.InitFrom);
        Assert.Equal(_dir.File("data", "datasets", "sketches"), config.Data.EvalGallery);
    }

    [Fact]
    public void TheValidatorSaysTheSameForExistingAndMissingPathsOutsideTheRoots()
    {
        string existing = _dir.File("elsewhere", "secret.safetensors");
        string missing = _dir.File("elsewhere", "no-such.safetensors");
        var forExisting = Assert.Single(ConfigValidator.Validate(new RunConfig { Model = new ModelConfig { PretrainedSketch = existing } }, Limits));
        var forMissing = Assert.Single(ConfigValidator.Validate(new RunConfig { Model = new ModelConfig { PretrainedSketch = missing } }, Limits));

        Assert.Equal(forExisting.Allowed, forMissing.Allowed);
        Assert.Contains("roots", forExisting.Allowed);
        Assert.Contains(_dir.File("data", "weights"), forExisting.Allowed);
        Assert.Empty(ConfigValidator.Validate(new RunConfig { Model = new ModelConfig { PretrainedSketch = "weights/w.safetensors" } }, Limits));
    }

    [Fact]
    public void DataFoldersOutsideTheRootsAreRefusedByTheValidator()
    {
        var config = new RunConfig
        {
            Data = new DataConfig { Dataset = DatasetKind.Folders, TrainSketches = "/etc", TrainPhotos = "datasets/sketches", EvalQueries = "datasets/sketches", EvalGallery = "datasets/sketches" },
        };
        var error = Assert.Single(ConfigValidator.Validate(config, Limits));
        Assert.Equal("data.trainSketches", error.Field);
        Assert.Contains("data set roots", error.Allowed);
    }
}
