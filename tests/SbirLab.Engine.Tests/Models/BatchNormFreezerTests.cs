using SbirLab.Core.Configs;
using SbirLab.Engine.Models;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace SbirLab.Engine.Tests.Models;

public class BatchNormFreezerTests
{
    [Fact]
    public void FrozenBatchNormKeepsItsRunningStatisticsInTrainMode()
    {
        using var scope = torch.NewDisposeScope();
        torch.manual_seed(15);
        using var net = ResNet.Create(18, numClasses: 4);
        net.train();
        // stem BN + 8 blocks × 2 + 3 downsample BNs = 20.
        Assert.Equal(20, BatchNormFreezer.Freeze(net));
        var before = Snapshot(net);
        net.call(torch.randn(2, 3, 32, 32) * 3 + 1);
        var after = net.state_dict();
        foreach (var (name, value) in before)
        {
            TensorAssert.Equal(value, after[name]);
        }
    }

    [Fact]
    public void WithoutFreezingTheSameForwardMovesTheStatistics()
    {
        using var scope = torch.NewDisposeScope();
        torch.manual_seed(15);
        using var net = ResNet.Create(18, numClasses: 4);
        net.train();
        var before = Snapshot(net);
        net.call(torch.randn(2, 3, 32, 32) * 3 + 1);
        var after = net.state_dict();
        TensorAssert.NotEqual(before["bn1.running_mean"], after["bn1.running_mean"]);
        Assert.Equal(1L, after["bn1.num_batches_tracked"].item<long>());
    }

    [Fact]
    public void FreezingStopsGradientsOfBatchNormOnlyAndTrainUndoesEvalMode()
    {
        using var net = SiameseNetwork.Create(new SiameseOptions(BackboneKind.ResNet18, TwoBranch: false, NumClasses: 3));
        net.train();
        // 20 BatchNorm2d in the ResNet-18 and the head's BatchNorm1d.
        Assert.Equal(21, BatchNormFreezer.Freeze(net));
        var norms = net.modules().OfType<BatchNorm>().ToList();
        Assert.All(norms, norm => Assert.False(norm.training));
        Assert.All(norms.SelectMany(norm => norm.parameters()), p => Assert.False(p.requires_grad));
        // Trainable = all − the BatchNorm γ and β.
        var batchNormParameters = norms.Sum(norm => norm.parameters().Sum(p => p.numel()));
        Assert.Equal(net.ParameterCount() - batchNormParameters, net.ParameterCount(trainableOnly: true));

        net.train();
        Assert.All(norms, norm => Assert.True(norm.training));
        BatchNormFreezer.Freeze(net);
        Assert.All(norms, norm => Assert.False(norm.training));

        BatchNormFreezer.Unfreeze(net);
        Assert.All(norms, norm => Assert.True(norm.training));
        Assert.Equal(net.ParameterCount(), net.ParameterCount(trainableOnly: true));
    }

    private static Dictionary<string, Tensor> Snapshot(nn.Module net) =>
        net.state_dict().Where(entry => entry.Key.Contains("running_") || entry.Key.Contains("num_batches"))
            .ToDictionary(entry => entry.Key, entry => entry.Value.clone());
}
