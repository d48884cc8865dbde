using SbirLab.Engine.Tests.Imaging;
using SbirLab.Engine.Weights;
using TorchSharp;
using static TorchSharp.torch;

namespace SbirLab.Engine.Tests.Weights;

public class StateDictImporterTests
{
    [Fact]
    public void ReportsMissingUnexpectedAndMisShapedTensorsByNameAndShape()
    {
        using var linear = nn.Linear(3, 2);
        using var before = linear.weight!.detach().clone();
        var source = new Dictionary<string, Tensor>
        {
            ["weight"] = ones(2, 4),   // module has [2, 3]
            ["extra"] = zeros(5),      // module has no such tensor
        };                             // and "bias" [2] is absent

        var report = StateDictImporter.Apply(linear, source);

        Assert.Equal("bias [2]", Assert.Single(report.Missing).ToString());
        Assert.Equal("extra [5]", Assert.Single(report.Unexpected).ToString());
        var mismatch = Assert.Single(report.Mismatched);
        Assert.Equal("weight", mismatch.Name);
        Assert.Equal([2L, 3], mismatch.ModuleShape);
        Assert.Equal([2L, 4], mismatch.FileShape);
        Assert.Empty(report.Loaded);
        Assert.False(report.IsComplete);
        Assert.True(linear.weight!.equal(before).all().item<bool>(), "a mis-shaped tensor must leave the module untouched");
        Assert.Contains("mis-shaped  weight: module [2, 3], file [2, 4]", report.ToText());
    }

    [Fact]
    public void MatchingTensorsAreCopiedUnderAPrefixAndOthersAreIgnored()
    {
        using var linear = nn.Linear(3, 2);
        using var weight = arange(6, dtype: ScalarType.Float32).reshape(2, 3);
        using var bias = tensor(new[] { 0.5f, -0.5f });
        using var other = ones(1);
        var source = new Dictionary<string, Tensor>
        {
            ["backbone.weight"] = weight,
            ["backbone.bias"] = bias,
            ["head.scale"] = other,
        };

        var report = StateDictImporter.Apply(linear, source, prefix: "backbone.");

        Assert.True(report.IsComplete, report.ToText());
        Assert.Equal(["weight", "bias"], report.Loaded.Order().Reverse());
        Assert.Equal(1, report.Ignored);
        Assert.Equal(weight.data<float>().ToArray(), linear.weight!.data<float>().ToArray());
        Assert.Equal(new[] { 0.5f, -0.5f }, linear.bias!.data<float>().ToArray());
        Assert.True(linear.weight.requires_grad);
    }

    [Fact]
    public void TimmHeadNamesAreRenamedAndBatchCountersMayBeAbsent()
    {
        using var model = nn.Sequential(("bn1", nn.BatchNorm1d(4)), ("fc", nn.Linear(4, 3)));
        var source = new Dictionary<string, Tensor>
        {
            ["bn1.weight"] = full(4, 2f),
            ["bn1.bias"] = zeros(4),
            ["bn1.running_mean"] = full(4, 0.25f),
            ["bn1.running_var"] = ones(4),
            ["head.fc.weight"] = ones(3, 4),
            ["head.fc.bias"] = zeros(3),
        };

        var report = StateDictImporter.Apply(model, source, renames: StateDictImporter.TimmHeadRenames);

        Assert.Empty(report.Unexpected);
        Assert.Equal("bn1.num_batches_tracked", Assert.Single(report.Missing).Name);
        Assert.Empty(report.MissingExceptBatchCounters);
        Assert.Equal(6, report.Loaded.Count);
        Assert.Equal(0.25f, model.state_dict()["bn1.running_mean"][0].item<float>());
        Assert.Equal(1f, model.state_dict()["fc.weight"][2, 3].item<float>());
    }

    [Theory]
    [InlineData("layer1.0.conv1.weight", null, "layer1.0.conv1.weight")]
    [InlineData("head.fc.bias", null, "fc.bias")]
    [InlineData("module.head.fc.bias", "module.", "fc.bias")]
    [InlineData("head.norm.weight", null, "norm.weight")]
    [InlineData("other.x", "module.", null)]
    public void NamesMapThroughPrefixExactAndLongestPrefixRenames(string name, string? prefix, string? expected)
    {
        var renames = new Dictionary<string, string> { ["head.fc."] = "fc.", ["head."] = "", ["head.fc.bias"] = "fc.bias" };
        Assert.Equal(expected, StateDictImporter.MapName(name, prefix, renames));
    }

    [Fact]
    public void TorchSharpSaveFilesLoadThroughTheSameReportAndOurWriterFeedsModuleLoad()
    {
        using var dir = new TempDir();
        using var original = nn.Sequential(("conv", nn.Conv2d(2, 3, 3)), ("bn", nn.BatchNorm2d(3)), ("fc", nn.Linear(3, 4)));
        using (no_grad())
        {
            original.state_dict()["bn.running_var"].fill_(3f);
            original.state_dict()["bn.num_batches_tracked"].fill_(11);
        }

        original.save(dir.File("model.dat"));
        var fromFile = TorchSharpStateFile.Load(dir.File("model.dat"));
        Assert.Equal(original.state_dict().Keys.Order(), fromFile.Keys.Order());
        Assert.Equal(ScalarType.Int64, fromFile["bn.num_batches_tracked"].dtype);

        using var copy = nn.Sequential(("conv", nn.Conv2d(2, 3, 3)), ("bn", nn.BatchNorm2d(3)), ("fc", nn.Linear(3, 4)));
        var report = StateDictImporter.ApplyFile(copy, dir.File("model.dat"));
        Assert.True(report.IsComplete, report.ToText());
        foreach (var (name, value) in original.state_dict())
        {
            Assert.True(copy.state_dict()[name].equal(value).all().item<bool>(), name);
        }

        // The other direction: our writer produces a file TorchSharp's own loader accepts.
        TorchSharpStateFile.Save(dir.File("ours.dat"), original.state_dict());
        using var third = nn.Sequential(("conv", nn.Conv2d(2, 3, 3)), ("bn", nn.BatchNorm2d(3)), ("fc", nn.Linear(3, 4)));
        third.load(dir.File("ours.dat"));
        Assert.Equal(11L, third.state_dict()["bn.num_batches_tracked"].item<long>());
        Assert.True(third.state_dict()["conv.weight"].equal(original.state_dict()["conv.weight"]).all().item<bool>());
    }

    [Fact]
    public void SafetensorsFilesImportThroughApplyFile()
    {
        using var dir = new TempDir();
        using var source = nn.Linear(5, 2);
        SafeTensors.Save(dir.File("linear.safetensors"), source.state_dict());
        using var target = nn.Linear(5, 2);

        var report = StateDictImporter.ApplyFile(target, dir.File("linear.safetensors"));

        Assert.True(report.IsComplete, report.ToText());
        Assert.True(target.weight!.equal(source.weight!).all().item<bool>());
    }
}
