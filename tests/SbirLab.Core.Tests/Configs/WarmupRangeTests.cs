using SbirLab.Core.Configs;

namespace SbirLab.Core.Tests.Configs;

public class WarmupRangeTests
{
    private static IReadOnlyList<ConfigError> WarmupErrors(int epochs, double warmup) =>
        [.. ConfigValidator.Validate(ConfigJson.ParseUnvalidated("{}", [$"training.epochs={epochs}", $"schedule.warmupEpochs={warmup}"]))
            .Where(e => e.Field == "schedule.warmupEpochs")];

    [Fact]
    public void AWarmupLongerThanTheTrainingIsRefusedWithTheRange()
    {
        var error = Assert.Single(WarmupErrors(epochs: 3, warmup: 4));
        Assert.Equal("a number in [0, 3]", error.Allowed);
        Assert.Empty(WarmupErrors(epochs: 3, warmup: 3));
    }

    [Fact]
    public void AnUntrainedRunKeepsItsTemplatesWarmupButNotANegativeOne()
    {
        // training.epochs = 0 evaluates the untrained network: no schedule runs, so a template's 0.2 warm-up epochs stand.
        Assert.Empty(WarmupErrors(epochs: 0, warmup: 0.2));
        Assert.Equal("a number ≥ 0", Assert.Single(WarmupErrors(epochs: 0, warmup: -1)).Allowed);
    }
}
