using SbirLab.Engine.Configs;
using SbirLab.Engine.Losses;
using SbirLab.Engine.Miners;
using static SbirLab.Engine.Tests.Losses.BatchReference;
using static TorchSharp.torch;

namespace SbirLab.Engine.Tests.Losses;

public class LossFactoryTests
{
    [Theory]
    [InlineData("contrastive", typeof(ContrastiveLoss))]
    [InlineData("triplet", typeof(MinedTripletLoss))]
    [InlineData("Smooth-AP", typeof(SmoothApLoss))]
    public void CreatesEachLossByName(string name, Type expected)
    {
        using var generator = new Generator(1, CPU);

        var loss = LossFactory.Create(name, margin: 0.2, tau: 0.01, miner: "batch-all", anchors: 10, generator);

        Assert.IsType(expected, loss);
        Assert.Equal(name.ToLowerInvariant(), loss.Name);
    }

    [Theory]
    [InlineData("batch-all", typeof(BatchAllMiner))]
    [InlineData("semi-hard", typeof(SemiHardMiner))]
    [InlineData("hard", typeof(HardMiner))]
    [InlineData("all", typeof(BatchAllMiner))]
    public void CreatesEachMinerByName(string name, Type expected)
    {
        using var generator = new Generator(1, CPU);

        var miner = LossFactory.CreateMiner(name, 0.2, 10, generator);

        Assert.IsType(expected, miner);
        Assert.Equal(name, miner.Name);
    }

    [Fact]
    public void ParametersReachTheLosses()
    {
        var triplet = Assert.IsType<MinedTripletLoss>(LossFactory.Create("triplet", 0.3, 0.05, "batch-all", 7, null));
        var smoothAp = Assert.IsType<SmoothApLoss>(LossFactory.Create("smooth-ap", 0.3, 0.05, "ignored", 7, null));

        Assert.Equal(0.3, triplet.Loss.Margin);
        Assert.Equal(7, Assert.IsType<BatchAllMiner>(triplet.Miner).AnchorCount);
        Assert.Equal((0.05, 7), (smoothAp.Temperature, smoothAp.AnchorCount));
    }

    [Fact]
    public void UnknownNamesListTheAllowedOnes()
    {
        var lossError = Assert.Throws<ArgumentException>(() => LossFactory.Create("arcface", 0.2, 0.01, "hard", 10, null));
        var minerError = Assert.Throws<ArgumentException>(() => LossFactory.Create("triplet", 0.2, 0.01, "easy", 10, null));

        Assert.All(LossFactory.LossNames, name => Assert.Contains(name, lossError.Message));
        Assert.All(LossFactory.MinerNames, name => Assert.Contains(name, minerError.Message));
    }

    [Fact]
    public void SemiHardWithoutGeneratorIsRefused()
    {
        Assert.Throws<ArgumentException>(() => LossFactory.CreateMiner("semi-hard", 0.2, 10, null));
    }

    [Fact]
    public void FactoryTripletEqualsDirectComposition()
    {
        using var scope = NewDisposeScope();
        var (embeddings, labels) = RandomBatch();

        var viaFactory = LossFactory.Create("triplet", 0.2, 0.01, "hard", 10, null).Compute(embeddings, labels);
        var direct = new TripletLoss(0.2).Compute(embeddings, labels, new HardMiner());

        Assert.Equal(Scalar(direct.Loss), Scalar(viaFactory.Loss), 6);
    }

    [Theory]
    [InlineData("pairs", true)]
    [InlineData("pk", false)]
    public void TheConfigsContrastiveLossFollowsItsSampler(string sampler, bool pairedHalves)
    {
        using var generator = new Generator(1, CPU);
        var config = new RunConfig
        {
            Loss = new LossConfig { Embedding = "contrastive", EmbeddingWeight = 0.4, CrossEntropyWeight = 0.6, Margin = 1.5 },
            Batch = new BatchConfig { Sampler = sampler },
        };

        var loss = Assert.IsType<ContrastiveLoss>(LossFactory.For(config, generator));

        Assert.Equal((1.5, pairedHalves), (loss.Margin, loss.PairedHalves));
    }

    [Theory]
    [InlineData("none", 1.0)]
    [InlineData("triplet", 0.0)]
    public void ACrossEntropyOnlyConfigHasNoEmbeddingLoss(string embedding, double weight)
    {
        using var generator = new Generator(1, CPU);
        var config = new RunConfig { Loss = new LossConfig { Embedding = embedding, EmbeddingWeight = weight, CrossEntropyWeight = 1 } };

        Assert.Null(LossFactory.For(config, generator));
    }
}
