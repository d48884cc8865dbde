using SbirLab.Core.Configs;
using SbirLab.Core.Runs;

namespace SbirLab.Store.Tests;

public sealed class RunReferenceResolverTests : IDisposable
{
    private readonly TempStore _temp = new();
    private RunStore Store => _temp.Store;

    public void Dispose() => _temp.Dispose();

    private static RunConfig Pretrained(string sketch, string? photo = null) =>
        TempStore.Config("siamese") with { Model = new ModelConfig { Siamese = SiameseKind.TwoBranch, PretrainedSketch = sketch, PretrainedPhoto = photo } };

    [Fact]
    public void Queueing_a_config_that_names_no_run_of_the_store_is_refused_naming_the_field()
    {
        var e = Assert.Throws<ConfigException>(() => Store.Queue(Pretrained("pretrain-sketch")));
        var error = Assert.Single(e.Errors);
        Assert.Equal("model.pretrainedSketch", error.Field);
        Assert.Contains("no run of this store is called pretrain-sketch", error.Allowed);
        Assert.Empty(Store.List());
    }

    [Fact]
    public void A_named_run_must_be_completed_before_a_run_that_needs_it_starts()
    {
        long sketch = Store.Queue(TempStore.Config("pretrain-sketch"));
        var config = Pretrained("pretrain-sketch", photo: $"#{sketch}");
        Store.Queue(config);
        var resolver = new RunReferenceResolver(Store);

        var notYet = Assert.Throws<ConfigException>(() => resolver.Resolve(config));
        Assert.Equal(["model.pretrainedPhoto", "model.pretrainedSketch"], notYet.Errors.Select(x => x.Field).Order());
        Assert.Contains($"run #{sketch} (pretrain-sketch) is queued", notYet.Errors[0].Allowed);

        var running = Store.ClaimNext(WorkerIdentity.Current)!;
        Store.Finish(running.Id, RunStatus.Completed, "completed");
        var resolved = resolver.Resolve(config);
        Assert.Equal(_temp.Data.RunFolder(sketch).Root, resolved.Model.PretrainedSketch);
        Assert.Equal(_temp.Data.RunFolder(sketch).Root, resolved.Model.PretrainedPhoto);
    }

    [Fact]
    public void A_name_means_the_newest_run_of_that_name_and_paths_are_left_alone()
    {
        Store.Queue(TempStore.Config("pretrain"));
        long newer = Store.Queue(TempStore.Config("pretrain"));
        var resolver = new RunReferenceResolver(Store);
        Assert.Equal(newer, resolver.Find("pretrain")!.Id);
        Assert.Equal(newer, resolver.Find(newer.ToString(System.Globalization.CultureInfo.InvariantCulture))!.Id);
        Assert.Empty(RunReferences.In(Pretrained("weights/resnet34-imagenet.safetensors")));
    }
}
