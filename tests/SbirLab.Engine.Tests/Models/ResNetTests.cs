using SbirLab.Engine.Models;
using TorchSharp;
using static TorchSharp.torch;

namespace SbirLab.Engine.Tests.Models;

public class ResNetTests
{
    [Fact]
    public void ResNet34MatchesTorchvisionCountsAndNames()
    {
        using var net = ResNet.Create(34);
        var shapes = net.StateShapes();
        // stem 1 conv + 1 BN (5 entries) = 6; 16 basic blocks × (2 conv + 2 BN×5) = 192; 3 downsamples × 6 = 18; fc 2 → 218.
        Assert.Equal(218, shapes.Count);
        Assert.Equal(21_797_672, net.ParameterCount());
        Assert.Equal(512, net.FeatureDimension);
        Assert.Equal([64L], shapes["layer1.0.bn1.running_mean"]);
        Assert.Equal([64L], shapes["layer1.0.bn1.running_var"]);
        Assert.Empty(shapes["layer1.0.bn1.num_batches_tracked"]);
        Assert.Equal([1000L, 512], shapes["fc.weight"]);
        Assert.Equal([64L, 3, 7, 7], shapes["conv1.weight"]);
        Assert.Equal([128L, 64, 1, 1], shapes["layer2.0.downsample.0.weight"]);
        Assert.Equal([128L], shapes["layer2.0.downsample.1.running_var"]);
        Assert.Equal([512L, 512, 3, 3], shapes["layer4.2.conv2.weight"]);
        Assert.DoesNotContain("layer1.0.downsample.0.weight", shapes.Keys);
        Assert.DoesNotContain("layer3.6.conv1.weight", shapes.Keys);
    }

    [Fact]
    public void ResNet18MatchesTorchvisionCounts()
    {
        using var net = ResNet.Create(18);
        // 6 + 8 blocks × 12 + 3 downsamples × 6 + 2 = 122 entries, as torchvision's resnet18().state_dict().
        Assert.Equal(122, net.state_dict().Count);
        Assert.Equal(11_689_512, net.ParameterCount());
    }

    [Fact]
    public void ResNet50MatchesTorchvisionCountsAndNames()
    {
        using var net = ResNet.Create(50);
        var shapes = net.StateShapes();
        // 6 + 16 bottlenecks × (3 conv + 3 BN×5) + 4 downsamples × 6 + 2 = 320 entries.
        Assert.Equal(320, shapes.Count);
        Assert.Equal(25_557_032, net.ParameterCount());
        Assert.Equal(2048, net.FeatureDimension);
        Assert.Equal([2048L, 512, 1, 1], shapes["layer4.2.conv3.weight"]);
        Assert.Equal([256L, 64, 1, 1], shapes["layer1.0.downsample.0.weight"]);
        Assert.Equal([128L, 128, 3, 3], shapes["layer2.0.conv2.weight"]);
        Assert.Equal([1000L, 2048], shapes["fc.weight"]);
    }

    [Fact]
    public void ResNet18ForwardAndFeatureShapes()
    {
        using var scope = torch.NewDisposeScope();
        torch.manual_seed(2);
        using var net = ResNet.Create(18, numClasses: 7);
        net.eval();
        var x = torch.randn(2, 3, 64, 64);
        // 64 → conv1/2 → 32 → maxpool → 16 → layer2 → 8 → layer3 → 4 → layer4 → 2 → avgpool → 1.
        var features = net.Features(x);
        TensorAssert.Shape(features, 2, 512);
        TensorAssert.Shape(net.call(x), 2, 7);
        var state = net.state_dict();
        TensorAssert.Close(features.matmul(state["fc.weight"].t()) + state["fc.bias"], net.call(x), 1e-4);
    }

    [Fact]
    public void ResNet18TrainsThroughItsInPlaceResidualAdds()
    {
        using var scope = torch.NewDisposeScope();
        torch.manual_seed(2);
        using var net = ResNet.Create(18, numClasses: 3);
        net.train();
        net.call(torch.randn(2, 3, 32, 32)).sum().backward();
        var parameters = net.named_parameters().ToDictionary(p => p.name, p => p.parameter);
        foreach (var name in new[] { "conv1.weight", "layer1.0.bn1.weight", "layer3.0.downsample.0.weight", "layer4.1.conv2.weight", "fc.weight" })
        {
            Assert.True(parameters[name].grad!.abs().sum().item<float>() > 0, name);
        }
    }

    [Fact]
    public void InitialisationFollowsTorchvision()
    {
        using var scope = torch.NewDisposeScope();
        torch.manual_seed(3);
        using var net = ResNet.Create(18);
        var state = net.state_dict();
        // Kaiming normal, fan_out, ReLU gain: std = √(2 / (512·3·3)) = √(2/4608) ≈ 0.020833 over 2.36 M samples.
        var std = state["layer4.0.conv2.weight"].std().item<float>();
        Assert.InRange(std, 0.02083 * 0.98, 0.02083 * 1.02);
        TensorAssert.Equal(torch.ones(256), state["layer3.1.bn2.weight"]);
        TensorAssert.Equal(torch.zeros(256), state["layer3.1.bn2.bias"]);
    }

    [Fact]
    public void WithoutClassesThereIsNoFcAndForwardGivesFeatures()
    {
        using var scope = torch.NewDisposeScope();
        using var net = ResNet.Create(18, numClasses: 0, inputChannels: 1);
        var shapes = net.StateShapes();
        Assert.DoesNotContain("fc.weight", shapes.Keys);
        Assert.Equal([64L, 1, 7, 7], shapes["conv1.weight"]);
        net.eval();
        TensorAssert.Shape(net.call(torch.randn(1, 1, 32, 32)), 1, 512);
    }

    [Fact]
    public void UnsupportedDepthIsRejectedWithTheAllowedDepths()
    {
        var error = Assert.Throws<ArgumentException>(() => ResNet.Create(101));
        Assert.Contains("18, 34, 50", error.Message);
    }
}
