using SbirLab.Core.Configs;
using SbirLab.Engine.Losses;
using SbirLab.Engine.Miners;
using static SbirLab.Engine.Tests.Losses.BatchReference;
using static TorchSharp.torch;

namespace SbirLab.Engine.Tests.Losses;

public class LossFactoryTests
{
    [Theory]
    [InlineData(EmbeddingLossKind.Contrastive, typeof(ContrastiveLoss), "contrastive")]
    [InlineData(EmbeddingLossKind.Triplet, typeof(MinedTripletLoss), "triplet")]
    [InlineData(EmbeddingLossKind.SmoothAp, typeof(SmoothApLoss), "smooth-ap")]
    public void CreatesEachLossItsKindNames(EmbeddingLossKind kind, Type expected, string configName)
    {
        using var generator = new Generator(1, CPU);

        var loss = LossFactory.Create(kind, margin: 0.2, tau: 0.01, miner: MinerKind.BatchAll, anchors: 10, generator);

        Assert.IsType(expected, loss);
        Assert.Equal(configName, loss.Name);
    }

    [Theory]
    [InlineData(MinerKind.BatchAll, typeof(BatchAllMiner), "batch-all")]
    [InlineData(MinerKind.SemiHard, typeof(SemiHardMiner), "semi-hard")]
    [InlineData(MinerKind.Hard, typeof(HardMiner), "hard")]
    [InlineData(MinerKind.All, typeof(BatchAllMiner), "all")]
    public void CreatesEachMinerItsKindNames(MinerKind kind, Type expected, string configName)
    {
        using var generator = new Generator(1, CPU);

        var miner = LossFactory.CreateMiner(kind, 0.2, 10, generator);

        Assert.IsType(expected, miner);
        Assert.Equal(configName, miner.Name);
    }

    [Fact]
    public void ParametersReachTheLosses()
    {
        var triplet = Assert.IsType<MinedTripletLoss>(LossFactory.Create(EmbeddingLossKind.Triplet, 0.3, 0.05, MinerKind.BatchAll, 7, null));
        var smoothAp = Assert.IsType<SmoothApLoss>(LossFactory.Create(EmbeddingLossKind.SmoothAp, 0.3, 0.05, MinerKind.Hard, 7, null));

        Assert.Equal(0.3, triplet.Loss.Margin);
        Assert.Equal(7, Assert.IsType<BatchAllMiner>(triplet.Miner).AnchorCount);
        Assert.Equal((0.05, 7), (smoothAp.Temperature, smoothAp.AnchorCount));
    }

    [Fact]
    public void EveryEmbeddingLossAndMinerOfTheConfigIsBuilt()
    {
        using var generator = new Generator(1, CPU);
        foreach (var kind in OptionNames.Values<EmbeddingLossKind>().Where(k => k is not (EmbeddingLossKind.None or EmbeddingLossKind.BinaryCrossEntropy)))
            Assert.Equal(kind.Name(), LossFactory.Create(kind, 0.2, 0.01, MinerKind.BatchAll, 10, generator).Name);
        // The pair head's loss scores logits, not embeddings: its own factory method builds it from a Koch config.
        Assert.Throws<ArgumentException>(() => LossFactory.Create(EmbeddingLossKind.BinaryCrossEntropy, 0.2, 0.01, MinerKind.Hard, 10, null));
        var koch = new RunConfig { Model = new ModelConfig { Siamese = SiameseKind.Koch }, Loss = new LossConfig { Embedding = EmbeddingLossKind.BinaryCrossEntropy, CrossEntropyWeight = 0 } };
        Assert.Equal("binary-cross-entropy", LossFactory.PairLossFor(koch)!.Name);
        Assert.Null(LossFactory.For(koch, generator));
        Assert.Null(LossFactory.PairLossFor(new RunConfig { Loss = new LossConfig { Embedding = EmbeddingLossKind.Triplet } }));
        foreach (var kind in OptionNames.Values<MinerKind>())
            Assert.Equal(kind.Name(), LossFactory.CreateMiner(kind, 0.2, 10, generator).Name);
        Assert.Throws<ArgumentException>(() => LossFactory.Create(EmbeddingLossKind.None, 0.2, 0.01, MinerKind.Hard, 10, null));
    }

    [Fact]
    public void SemiHardWithoutGeneratorIsRefused()
    {
        Assert.Throws<ArgumentException>(() => LossFactory.CreateMiner(MinerKind.SemiHard, 0.2, 10, null));
    }

    [Fact]
    public void FactoryTripletEqualsDirectComposition()
    {
        using var scope = NewDisposeScope();
        var (embeddings, labels) = RandomBatch();

        var viaFactory = LossFactory.Create(EmbeddingLossKind.Triplet, 0.2, 0.01, MinerKind.Hard, 10, null).Compute(embeddings, labels);
        var direct = new TripletLoss(0.2).Compute(embeddings, labels, new HardMiner());

        Assert.Equal(Scalar(direct.Loss), Scalar(viaFactory.Loss), 6);
    }

    [Theory]
    [InlineData(SamplerKind.Pairs, true)]
    [InlineData(SamplerKind.Pk, false)]
    public void TheConfigsContrastiveLossFollowsItsSampler(SamplerKind sampler, bool pairedHalves)
    {
        using var generator = new Generator(1, CPU);
        var config = new RunConfig
        {
            Loss = new LossConfig { Embedding = EmbeddingLossKind.Contrastive, EmbeddingWeight = 0.4, CrossEntropyWeight = 0.6, Margin = 1.5 },
            Batch = new BatchConfig { Sampler = sampler },
        };

        var loss = Assert.IsType<ContrastiveLoss>(LossFactory.For(config, generator));

        Assert.Equal((1.5, pairedHalves), (loss.Margin, loss.PairedHalves));
    }

    [Theory]
    [InlineData(EmbeddingLossKind.None, 1.0)]
    [InlineData(EmbeddingLossKind.Triplet, 0.0)]
    public void ACrossEntropyOnlyConfigHasNoEmbeddingLoss(EmbeddingLossKind embedding, double weight)
    {
        using var generator = new Generator(1, CPU);
        var config = new RunConfig { Loss = new LossConfig { Embedding = embedding, EmbeddingWeight = weight, CrossEntropyWeight = 1 } };

        Assert.Null(LossFactory.For(config, generator));
    }
}
