using SbirLab.Core.Configs;

namespace SbirLab.Core.Tests.Configs;

/// <summary>Fields that pass one by one but not together, and configs beyond the host's memory, are refused before they run.</summary>
public sealed class ResourceBudgetTests
{
    private static readonly HostLimits Host24GiB = new(new PathRoots(Path.GetTempPath(), [], [], []), 24L << 30, 50, TimeSpan.FromHours(24));

    [Fact]
    public void A_pk_batch_whose_product_overflows_an_int_is_refused_with_the_product()
    {
        var config = new RunConfig { Batch = new BatchConfig { Sampler = SamplerKind.Pk, Classes = 10_000, Items = 10_000, ImagesPerItem = 10_000 } };
        var errors = ConfigValidator.Validate(config);
        var error = Assert.Single(errors, e => e.Allowed.Contains("65,536"));
        Assert.Equal("batch.classes", error.Field);
        Assert.Contains("1,000,000,000,000", error.Allowed);
    }

    [Fact]
    public void A_batch_larger_than_the_training_set_is_an_error_not_a_run_of_no_steps()
    {
        var config = new RunConfig { Batch = new BatchConfig { Size = 100 }, Data = new DataConfig { TrainLimit = 50 } };
        var error = Assert.Single(ConfigValidator.Validate(config));
        Assert.Equal("batch.size", error.Field);
        Assert.Contains("at most the 50 training images", error.Allowed);
        // The pseudo-sketch set holds each photo and its sketch: 100 images from 50 photos fit.
        Assert.Empty(ConfigValidator.Validate(config with { Data = config.Data with { Dataset = DatasetKind.FashionMnistSketch } }));
    }

    [Fact]
    public void Image_size_1024_with_3_channels_is_refused_naming_the_estimate_and_the_budget()
    {
        var config = new RunConfig { Model = new ModelConfig { Backbone = BackboneKind.ResNet18, InputChannels = 3, ImageSize = 1024 } };
        Assert.Empty(ConfigValidator.Validate(config)); // every field alone is in range

        var error = Assert.Single(ConfigValidator.Validate(config, Host24GiB));
        Assert.Equal("batch.size", error.Field);
        Assert.Contains("memory budget of 24 GiB", error.Allowed);
        Assert.Contains($"needs about {ResourceEstimate.Format(ResourceEstimate.Bytes(config))}", error.Allowed);
        Assert.True(ResourceEstimate.Bytes(config) > 70L << 30); // 100 × 1024² × 800 B alone
    }

    [Fact]
    public void A_shuffle_batch_of_50000_images_is_refused_and_the_seed_004_batch_fits()
    {
        var huge = new RunConfig { Batch = new BatchConfig { Size = 50_000 } };
        var error = Assert.Single(ConfigValidator.Validate(huge, Host24GiB));
        Assert.Contains("50,000 images a batch", error.Allowed);
        Assert.Empty(ConfigValidator.Validate(new RunConfig(), Host24GiB));
        Assert.True(ResourceEstimate.Bytes(new RunConfig()) < 200L << 20, ResourceEstimate.Format(ResourceEstimate.Bytes(new RunConfig())));
    }

    [Fact]
    public void The_estimate_does_not_overflow_for_the_largest_fields()
    {
        var config = new RunConfig
        {
            Model = new ModelConfig { Backbone = BackboneKind.ResNet50, InputChannels = 3, ImageSize = 1024 },
            Batch = new BatchConfig { Sampler = SamplerKind.Pk, Classes = 10_000, Items = 10_000, ImagesPerItem = 10_000 },
        };
        Assert.Equal(long.MaxValue, ResourceEstimate.Bytes(config));
    }
}
