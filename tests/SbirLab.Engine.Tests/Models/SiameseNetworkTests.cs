using SbirLab.Core.Configs;
using SbirLab.Engine.Models;
using TorchSharp;
using static TorchSharp.torch;

namespace SbirLab.Engine.Tests.Models;

public class SiameseNetworkTests
{
    private static readonly SiameseOptions SmallTwoBranch =
        new(BackboneKind.ConvNet, TwoBranch: true, UseHead: true, HiddenDim: 32, EmbeddingDim: 16, NumClasses: 5, InputChannels: 1);

    [Fact]
    public void TwoBranchModeHasTwoBackbonesAndOneSharedHead()
    {
        using var net = SiameseNetwork.Create(SmallTwoBranch);
        var names = net.StateShapes().Keys.ToList();
        Assert.True(net.IsTwoBranch);
        Assert.NotSame(net.BackboneFor(Domain.Sketch), net.BackboneFor(Domain.Photo));
        Assert.Contains("sketch.0.weight", names);
        Assert.Contains("photo.0.weight", names);
        Assert.Single(names, name => name == "head.0.weight");
        Assert.Contains("classifier.weight", names);
        Assert.DoesNotContain(names, name => name.StartsWith("sketch.10.", StringComparison.Ordinal));
        var state = net.state_dict();
        TensorAssert.NotEqual(state["sketch.0.weight"], state["photo.0.weight"]);
        // two ConvNets without classifier (30,634 − 2,570 each) + head 256·32+32 + 64 + 32·16+16 + classifier 16·5+5.
        Assert.Equal(2 * 28_064 + 8_224 + 64 + 528 + 85, net.ParameterCount());
    }

    [Fact]
    public void PhotoGradientsReachThePhotoBackboneAndTheSharedHeadOnly()
    {
        using var scope = torch.NewDisposeScope();
        torch.manual_seed(7);
        using var net = SiameseNetwork.Create(SmallTwoBranch);
        var output = net.Encode(torch.randn(4, 1, 28, 28), Domain.Photo);
        (output.Embedding.sum() + output.Logits!.sum()).backward();
        var parameters = net.named_parameters().ToDictionary(p => p.name, p => p.parameter);
        Assert.Null(parameters["sketch.0.weight"].grad);
        Assert.True(parameters["photo.0.weight"].grad!.abs().sum().item<float>() > 0);
        Assert.True(parameters["head.0.weight"].grad!.abs().sum().item<float>() > 0);
        Assert.True(parameters["classifier.weight"].grad!.abs().sum().item<float>() > 0);
    }

    [Fact]
    public void HeadModeGivesUnitNormEmbeddingsAndLogitsOfTheSharedClassifier()
    {
        using var scope = torch.NewDisposeScope();
        torch.manual_seed(8);
        using var net = SiameseNetwork.Create(SmallTwoBranch);
        net.eval();
        var sketches = torch.randn(3, 1, 28, 28);
        var output = net.Encode(sketches, Domain.Sketch);
        TensorAssert.Shape(output.Embedding, 3, 16);
        TensorAssert.UnitRows(output.Embedding);
        TensorAssert.Shape(output.Logits!, 3, 5);
        TensorAssert.Close(output.Embedding, net.Embed(sketches, Domain.Sketch), 1e-6);
        TensorAssert.Close(output.Logits!, net.Classify(output.Embedding), 1e-6);
        Assert.Equal(16, net.EmbeddingDimension);
        Assert.Equal(5, net.NumClasses);
    }

    [Fact]
    public void TwoBranchHeadSeesBothDomainsSoTrainAndEvalModeAgreeOnAMixedBatch()
    {
        using var scope = torch.NewDisposeScope();
        torch.manual_seed(11);
        using var net = SiameseNetwork.Create(SmallTwoBranch);
        var (images, domains) = MixedBatch(perDomain: 64);

        // Train mode with the head run once over the batch: once the running statistics settle on this
        // batch, eval mode (running statistics) must give what train mode (batch statistics) gives.
        var trainMode = SettleAndEncode(net, () => net.EncodeBatch(images, domains).Embedding);
        net.eval();
        var evalMode = net.EncodeBatch(images, domains).Embedding;
        var jointGap = (trainMode - evalMode).abs().max().item<float>();

        // The flaw this replaced: the head run per domain normalises each domain with its own statistics in
        // training, while the settled running statistics average both domains.
        net.train();
        var perDomainTrain = SettleAndEncode(net, () => EncodePerDomain(net, images, domains));
        net.eval();
        var perDomainGap = (perDomainTrain - EncodePerDomain(net, images, domains)).abs().max().item<float>();

        Assert.True(jointGap < 0.02, $"joint head: train/eval gap {jointGap}");
        Assert.True(perDomainGap > 5 * jointGap && perDomainGap > 0.1, $"per-domain head gap {perDomainGap} vs joint {jointGap}");
    }

    [Fact]
    public void EncodeBatchRoutesEachRowThroughItsOwnBackbone()
    {
        using var scope = torch.NewDisposeScope();
        torch.manual_seed(12);
        using var net = SiameseNetwork.Create(SmallTwoBranch with { UseHead = false });
        net.eval();
        var (images, domains) = MixedBatch(perDomain: 3);
        var mixed = net.EncodeBatch(images, domains);
        var sketchRows = torch.tensor(Enumerable.Range(0, domains.Length).Where(i => domains[i] == Domain.Sketch).Select(i => (long)i).ToArray());
        var alone = net.Encode(images.index_select(0, sketchRows), Domain.Sketch);
        TensorAssert.Close(alone.Embedding, mixed.Embedding.index_select(0, sketchRows), 1e-5);
        TensorAssert.Close(alone.Logits!, mixed.Logits!.index_select(0, sketchRows), 1e-4);
    }

    /// <summary>Sparse bright "sketches" and dense grey "photos", interleaved, so the domains' features differ.</summary>
    private static (Tensor Images, Domain[] Domains) MixedBatch(int perDomain)
    {
        var sketches = torch.rand(perDomain, 1, 28, 28).gt(0.9f).to_type(ScalarType.Float32) * 2f;
        var photos = torch.randn(perDomain, 1, 28, 28) * 0.5f - 1f;
        var images = torch.stack([sketches, photos], 1).reshape(2 * perDomain, 1, 28, 28);
        var domains = Enumerable.Range(0, 2 * perDomain).Select(i => i % 2 == 0 ? Domain.Sketch : Domain.Photo).ToArray();
        return (images, domains);
    }

    private static Tensor SettleAndEncode(SiameseNetwork net, Func<Tensor> encode)
    {
        using var noGrad = torch.no_grad();
        net.train();
        for (int i = 0; i < 150; i++)
        {
            encode();
        }
        return encode();
    }

    private static Tensor EncodePerDomain(SiameseNetwork net, Tensor images, Domain[] domains)
    {
        var result = torch.zeros(domains.Length, net.EmbeddingDimension);
        foreach (var domain in new[] { Domain.Sketch, Domain.Photo })
        {
            var rows = torch.tensor(Enumerable.Range(0, domains.Length).Where(i => domains[i] == domain).Select(i => (long)i).ToArray());
            result = result.index_copy(0, rows, net.Encode(images.index_select(0, rows), domain).Embedding);
        }
        return result;
    }

    [Fact]
    public void SharedModeUsesOneBackboneForBothDomains()
    {
        using var scope = torch.NewDisposeScope();
        using var net = SiameseNetwork.Create(SmallTwoBranch with { TwoBranch = false });
        Assert.False(net.IsTwoBranch);
        Assert.Same(net.BackboneFor(Domain.Sketch), net.BackboneFor(Domain.Photo));
        Assert.Contains("backbone.0.weight", net.StateShapes().Keys);
        net.eval();
        var x = torch.randn(2, 1, 28, 28);
        TensorAssert.Close(net.Embed(x, Domain.Sketch), net.Embed(x, Domain.Photo), 0);
        Assert.Throws<ArgumentException>(() => SiameseNetwork.Create(SmallTwoBranch with { TwoBranch = false, PhotoBackbone = BackboneKind.ResNet18 }));
    }

    [Fact]
    public void Seed004ModeIsTheConvNetItself()
    {
        using var scope = torch.NewDisposeScope();
        torch.manual_seed(9);
        using var net = SiameseNetwork.Create(SiameseOptions.Seed004ConvNet);
        net.eval();
        var convNet = Assert.IsType<ConvNet>(net.BackboneFor(Domain.Photo));
        var names = net.StateShapes().Keys.ToList();
        Assert.Equal(["backbone.0.bias", "backbone.0.weight", "backbone.10.bias", "backbone.10.weight", "backbone.3.bias", "backbone.3.weight", "backbone.6.bias", "backbone.6.weight"], names.Order(StringComparer.Ordinal));
        var x = torch.randn(4, 1, 28, 28);
        var output = net.Encode(x, Domain.Photo);
        TensorAssert.Close(convNet.Features(x), output.Embedding, 1e-6);
        TensorAssert.Close(convNet.call(x), output.Logits!, 1e-6);
        Assert.Equal(256, net.EmbeddingDimension);
        Assert.Equal(10, net.NumClasses);
        Assert.Throws<InvalidOperationException>(() => net.Classify(output.Embedding));
    }

    [Fact]
    public void ResNetBranchesKeepTorchvisionNamesUnderTheirPrefixes()
    {
        using var net = SiameseNetwork.Create(new SiameseOptions(BackboneKind.ResNet18, NumClasses: 250));
        var shapes = net.StateShapes();
        Assert.Equal([64L, 3, 7, 7], shapes["sketch.conv1.weight"]);
        Assert.Equal([64L], shapes["photo.layer1.0.bn1.running_mean"]);
        Assert.Equal([512L, 512], shapes["head.0.weight"]);
        Assert.Equal([512L], shapes["head.1.running_var"]);
        Assert.Equal([512L, 512], shapes["head.3.weight"]);
        Assert.Equal([250L, 512], shapes["classifier.weight"]);
        Assert.DoesNotContain("sketch.fc.weight", shapes.Keys);
        // two fc-less ResNet-18s (11,689,512 − 513,000) + head 262,656 + 1,024 + 262,656 + classifier 128,250.
        Assert.Equal(2 * 11_176_512 + 262_656 + 1_024 + 262_656 + 128_250, net.ParameterCount());
    }
}
