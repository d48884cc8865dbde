using SbirLab.Core.Configs;

namespace SbirLab.Store.Tests;

/// <summary>The lab-wide limits of a host the store enforces at queue time: queued runs, a run's memory (the wall time is the worker's: SbirLab.Runs.Tests).</summary>
public sealed class HostLimitTests
{
    [Fact]
    public void Queueing_past_the_queue_limit_is_refused_naming_the_limit_and_its_setting()
    {
        using var temp = new TempStore(roots => new HostLimits(roots, long.MaxValue, MaxQueuedRuns: 2, TimeSpan.FromHours(1)));
        temp.Store.Queue(TempStore.Config("a"));
        temp.Store.Queue(TempStore.Config("b"));

        var refused = Assert.Throws<LimitExceededException>(() => temp.Store.Queue(TempStore.Config("c")));

        Assert.Contains("limit is 2", refused.Message);
        Assert.Contains(HostLimits.QueuedVariable, refused.Message);
        Assert.Equal(2, temp.Store.List().Count);
    }

    [Fact]
    public void A_config_over_the_memory_budget_is_refused_at_queue_naming_the_figure()
    {
        using var temp = new TempStore(roots => new HostLimits(roots, 64L << 20, 50, TimeSpan.FromHours(1)));
        var refused = Assert.Throws<ConfigException>(() => temp.Store.Queue(TempStore.Config() with { Batch = new BatchConfig { Size = 1000 } }));
        Assert.Contains("memory budget of 64 MiB", refused.Message);
    }
}
