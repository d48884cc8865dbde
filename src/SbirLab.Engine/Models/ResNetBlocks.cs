using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace SbirLab.Engine.Models;

/// <summary>torchvision's <c>BasicBlock</c> (ResNet-18/34): two 3×3 convolutions and a residual connection.</summary>
/// <remarks>Parameter names: conv1, bn1, conv2, bn2 and, when the shape changes, downsample.0 (1×1 conv) / downsample.1 (BN).</remarks>
internal sealed class BasicBlock : nn.Module<Tensor, Tensor>
{
    public const int Expansion = 1;

    private readonly Conv2d conv1;
    private readonly BatchNorm2d bn1;
    private readonly Conv2d conv2;
    private readonly BatchNorm2d bn2;
    private readonly Sequential? downsample;

    public BasicBlock(long inPlanes, long planes, long stride) : base(nameof(BasicBlock))
    {
        conv1 = ResNetLayers.Conv3x3(inPlanes, planes, stride);
        bn1 = nn.BatchNorm2d(planes);
        conv2 = ResNetLayers.Conv3x3(planes, planes, 1);
        bn2 = nn.BatchNorm2d(planes);
        downsample = ResNetLayers.Downsample(inPlanes, planes * Expansion, stride);
        RegisterComponents();
    }

    public override Tensor forward(Tensor input)
    {
        var output = nn.functional.relu(bn1.call(conv1.call(input)), inplace: true);
        output = bn2.call(conv2.call(output));
        var identity = downsample is null ? input : downsample.call(input);
        return nn.functional.relu(output.add_(identity), inplace: true);
    }
}

/// <summary>torchvision's <c>Bottleneck</c> (ResNet-50, v1.5: the stride sits on the 3×3 convolution).</summary>
/// <remarks>Parameter names: conv1..conv3, bn1..bn3 and, when the shape changes, downsample.0 / downsample.1.</remarks>
internal sealed class Bottleneck : nn.Module<Tensor, Tensor>
{
    public const int Expansion = 4;

    private readonly Conv2d conv1;
    private readonly BatchNorm2d bn1;
    private readonly Conv2d conv2;
    private readonly BatchNorm2d bn2;
    private readonly Conv2d conv3;
    private readonly BatchNorm2d bn3;
    private readonly Sequential? downsample;

    public Bottleneck(long inPlanes, long planes, long stride) : base(nameof(Bottleneck))
    {
        conv1 = ResNetLayers.Conv1x1(inPlanes, planes, 1);
        bn1 = nn.BatchNorm2d(planes);
        conv2 = ResNetLayers.Conv3x3(planes, planes, stride);
        bn2 = nn.BatchNorm2d(planes);
        conv3 = ResNetLayers.Conv1x1(planes, planes * Expansion, 1);
        bn3 = nn.BatchNorm2d(planes * Expansion);
        downsample = ResNetLayers.Downsample(inPlanes, planes * Expansion, stride);
        RegisterComponents();
    }

    public override Tensor forward(Tensor input)
    {
        var output = nn.functional.relu(bn1.call(conv1.call(input)), inplace: true);
        output = nn.functional.relu(bn2.call(conv2.call(output)), inplace: true);
        output = bn3.call(conv3.call(output));
        var identity = downsample is null ? input : downsample.call(input);
        return nn.functional.relu(output.add_(identity), inplace: true);
    }
}

/// <summary>The bias-free convolutions and the projection shortcut that torchvision's blocks use.</summary>
internal static class ResNetLayers
{
    public static Conv2d Conv3x3(long inPlanes, long outPlanes, long stride) =>
        nn.Conv2d(inPlanes, outPlanes, kernel_size: 3, stride: stride, padding: 1, bias: false);

    public static Conv2d Conv1x1(long inPlanes, long outPlanes, long stride) =>
        nn.Conv2d(inPlanes, outPlanes, kernel_size: 1, stride: stride, bias: false);

    /// <summary>1×1 conv + BN (names "0", "1") when the stride or the width changes; null when the identity fits.</summary>
    public static Sequential? Downsample(long inPlanes, long outPlanes, long stride) =>
        stride == 1 && inPlanes == outPlanes ? null : nn.Sequential(Conv1x1(inPlanes, outPlanes, stride), nn.BatchNorm2d(outPlanes));
}
