using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace SbirLab.Engine.Models;

/// <summary>
/// ResNet-18/34/50 with torchvision's exact parameter and buffer names and shapes (conv1, bn1, layer1..layer4, fc),
/// so that ImageNet state dicts published for torchvision load without renaming.
/// </summary>
/// <remarks>
/// Initialisation follows torchvision: Kaiming-normal (fan_out, ReLU) for convolutions, BatchNorm weight 1 and bias 0,
/// the default Linear initialisation for fc. <c>forward</c> gives the fc logits; <see cref="Features"/> gives the
/// global-average-pooled 512-D (18/34) or 2048-D (50) vector that feeds an embedding head. Built with
/// <c>numClasses: 0</c> the network has no fc (torchvision's <c>fc = Identity()</c>) and <c>forward</c> returns the features.
/// <para>
/// Why not TorchSharp's <c>TorchVision</c> 0.107.0 (<c>torchvision.models.resnet18/34/50</c>, whose parameter names
/// are the same): its <c>Modules.ResNet</c> builds <c>conv1 = Conv2d(3, 64, …)</c> with no input-channel argument, so
/// the grey one-channel input (<c>model.inputChannels = 1</c>) cannot be built; it always builds
/// <c>fc = Linear(512 × expansion, numClasses)</c>, so a backbone without fc would gain fc.weight [0, 512] and fc.bias
/// [0], which our checkpoints and <c>sbirlab export backbone</c> files do not hold (two missing tensors on every load);
/// and its <c>forward</c> is fc(flatten(avgpool(layer4(…)))) over private layers, so the pooled features without fc
/// (<see cref="Features"/>, what the embedding head reads) would need this forward written again over its children.
/// </para>
/// </remarks>
public sealed class ResNet : nn.Module<Tensor, Tensor>, IBackbone
{
    /// <summary>The depths this class builds.</summary>
    public static readonly IReadOnlyList<int> SupportedDepths = [18, 34, 50];

    private readonly Conv2d conv1;
    private readonly BatchNorm2d bn1;
    private readonly ReLU relu;
    private readonly MaxPool2d maxpool;
    private readonly Sequential layer1;
    private readonly Sequential layer2;
    private readonly Sequential layer3;
    private readonly Sequential layer4;
    private readonly AdaptiveAvgPool2d avgpool;
    private readonly Linear? fc;

    private ResNet(int depth, int numClasses, int inputChannels) : base($"ResNet{depth}")
    {
        var (bottleneck, blocks) = Layout(depth);
        var expansion = bottleneck ? Bottleneck.Expansion : BasicBlock.Expansion;
        Depth = depth;
        NumClasses = numClasses;
        FeatureDimension = 512 * expansion;
        conv1 = nn.Conv2d(inputChannels, 64, kernel_size: 7, stride: 2, padding: 3, bias: false);
        bn1 = nn.BatchNorm2d(64);
        relu = nn.ReLU(inplace: true);
        maxpool = nn.MaxPool2d(kernel_size: 3, stride: 2, padding: 1);
        long inPlanes = 64;
        layer1 = MakeLayer(bottleneck, ref inPlanes, 64, blocks[0], 1);
        layer2 = MakeLayer(bottleneck, ref inPlanes, 128, blocks[1], 2);
        layer3 = MakeLayer(bottleneck, ref inPlanes, 256, blocks[2], 2);
        layer4 = MakeLayer(bottleneck, ref inPlanes, 512, blocks[3], 2);
        avgpool = nn.AdaptiveAvgPool2d((1, 1));
        fc = numClasses > 0 ? nn.Linear(FeatureDimension, numClasses) : null;
        RegisterComponents();
        InitialiseLikeTorchvision();
    }

    /// <summary>Builds ResNet-<paramref name="depth"/> (18, 34 or 50); <paramref name="numClasses"/> 0 leaves out fc.</summary>
    /// <exception cref="ArgumentException">The depth is not 18, 34 or 50.</exception>
    public static ResNet Create(int depth, int numClasses = 1000, int inputChannels = 3)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(numClasses);
        ArgumentOutOfRangeException.ThrowIfLessThan(inputChannels, 1);
        return new ResNet(depth, numClasses, inputChannels);
    }

    /// <summary>18, 34 or 50.</summary>
    public int Depth { get; }

    /// <inheritdoc/>
    public int FeatureDimension { get; }

    /// <inheritdoc/>
    public int NumClasses { get; }

    /// <summary>fc logits [B, NumClasses], or the pooled features when built without fc.</summary>
    public override Tensor forward(Tensor input)
    {
        var features = Features(input);
        return fc is null ? features : fc.call(features);
    }

    /// <summary>Global-average-pooled output of layer4, [B, FeatureDimension], without fc and not normalised.</summary>
    public Tensor Features(Tensor x)
    {
        var h = maxpool.call(relu.call(bn1.call(conv1.call(x))));
        h = layer4.call(layer3.call(layer2.call(layer1.call(h))));
        return avgpool.call(h).flatten(1);
    }

    /// <inheritdoc/>
    public Tensor PreLogits(Tensor x) => Features(x);

    /// <inheritdoc/>
    public Tensor ClassifierLogits(Tensor preLogits)
    {
        if (fc is null) BackboneGuards.ThrowNoClassifier(GetName());
        return fc.call(preLogits);
    }

    private static (bool Bottleneck, int[] Blocks) Layout(int depth) => depth switch
    {
        18 => (false, [2, 2, 2, 2]),
        34 => (false, [3, 4, 6, 3]),
        50 => (true, [3, 4, 6, 3]),
        _ => throw new ArgumentException($"ResNet depth {depth} is not supported; use one of {string.Join(", ", SupportedDepths)}.", nameof(depth)),
    };

    private static Sequential MakeLayer(bool bottleneck, ref long inPlanes, long planes, int blocks, long stride)
    {
        var expansion = bottleneck ? Bottleneck.Expansion : BasicBlock.Expansion;
        var modules = new nn.Module<Tensor, Tensor>[blocks];
        for (var i = 0; i < blocks; i++)
        {
            var blockStride = i == 0 ? stride : 1;
            modules[i] = bottleneck ? new Bottleneck(inPlanes, planes, blockStride) : new BasicBlock(inPlanes, planes, blockStride);
            inPlanes = planes * expansion;
        }
        return nn.Sequential(modules);
    }

    private void InitialiseLikeTorchvision()
    {
        using var noGrad = torch.no_grad();
        foreach (var module in modules())
        {
            switch (module)
            {
                case Conv2d conv:
                    nn.init.kaiming_normal_(conv.weight!, mode: nn.init.FanInOut.FanOut, nonlinearity: nn.init.NonlinearityType.ReLU);
                    break;
                case BatchNorm2d bn:
                    nn.init.ones_(bn.weight!);
                    nn.init.zeros_(bn.bias!);
                    break;
            }
        }
    }
}
