using SbirLab.Core.Configs;
using SbirLab.Engine.Models;
using SbirLab.Engine.Weights;
using TorchSharp;
using static TorchSharp.torch;

namespace SbirLab.Engine.Tests.Models;

public class StateLoadingTests
{
    [Fact]
    public void LoadingReportsMissingUnexpectedAndMisShapedAndCopiesTheRest()
    {
        using var scope = torch.NewDisposeScope();
        torch.manual_seed(10);
        using var net = SiameseNetwork.Create(new SiameseOptions(BackboneKind.ResNet18, NumClasses: 3));
        using var imagenet = ResNet.Create(18);
        var source = imagenet.state_dict();
        using (torch.no_grad())
        {
            source["layer4.1.bn2.running_var"].uniform_(2, 3);
        }
        var checkpoint = new Dictionary<string, Tensor>(source);
        checkpoint.Remove("layer1.0.conv1.weight");
        checkpoint["conv1.weight"] = torch.randn(64, 1, 7, 7);
        var photoBefore = net.state_dict()["photo.layer4.1.bn2.running_var"].clone();

        var report = net.LoadBackboneState(Domain.Sketch, checkpoint);

        Assert.Equal(["layer1.0.conv1.weight"], report.Missing.Select(m => m.Name));
        var mismatch = Assert.Single(report.Mismatched);
        Assert.Equal("conv1.weight", mismatch.Name);
        Assert.Equal([64L, 3, 7, 7], mismatch.ModuleShape);
        Assert.Equal([64L, 1, 7, 7], mismatch.FileShape);
        Assert.Equal(["fc.bias", "fc.weight"], report.Unexpected.Select(u => u.Name).Order(StringComparer.Ordinal));
        Assert.Equal(122 - 2 - 2, report.Loaded.Count); // 122 backbone entries without fc's 2, one missing, one mis-shaped.
        Assert.False(report.IsComplete);
        Assert.Contains("conv1.weight: module [64, 3, 7, 7], file [64, 1, 7, 7]", report.ToText());
        Assert.Contains("layer1.0.conv1.weight", report.ToText());
        var after = net.state_dict();
        TensorAssert.Equal(source["layer4.1.bn2.running_var"], after["sketch.layer4.1.bn2.running_var"]);
        TensorAssert.Equal(source["layer2.0.downsample.0.weight"], after["sketch.layer2.0.downsample.0.weight"]);
        TensorAssert.Equal(photoBefore, after["photo.layer4.1.bn2.running_var"]);
    }

    [Fact]
    public void AMatchingStateDictLoadsExactly()
    {
        using var scope = torch.NewDisposeScope();
        using var first = new ConvNet();
        using var second = new ConvNet();
        var report = StateDictImporter.Apply(second, first.state_dict());
        Assert.True(report.IsComplete);
        Assert.Equal(8, report.Loaded.Count);
        TensorAssert.Equal(first.state_dict()["6.weight"], second.state_dict()["6.weight"]);
    }

    [Fact]
    public void APrefixOfASavedNetworkLoadsIntoABranch()
    {
        using var scope = torch.NewDisposeScope();
        torch.manual_seed(16);
        using var saved = SiameseNetwork.Create(SiameseOptions.Seed004ConvNet);
        using var target = SiameseNetwork.Create(SiameseOptions.Seed004ConvNet with { TwoBranch = true });
        var report = target.LoadBackboneState(Domain.Photo, saved.state_dict(), prefix: "backbone.");
        Assert.True(report.IsComplete);
        Assert.Equal(8, report.Loaded.Count);
        Assert.Contains("10.weight", report.Loaded);
        TensorAssert.Equal(saved.state_dict()["backbone.3.weight"], target.state_dict()["photo.3.weight"]);
        TensorAssert.NotEqual(saved.state_dict()["backbone.3.weight"], target.state_dict()["sketch.3.weight"]);
    }
}
