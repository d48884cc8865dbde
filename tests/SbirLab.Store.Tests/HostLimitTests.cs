using SbirLab.Core.Configs;
using SbirLab.Core.Runs;
using SbirLab.Runs;
using SbirLab.Store.Accounts;

namespace SbirLab.Store.Tests;

/// <summary>The lab-wide limits of a host: queued runs, a run's wall time, its memory.</summary>
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

    [Fact]
    public async Task A_run_past_its_wall_time_is_stopped_resumable_and_says_why()
    {
        using var temp = new TempStore(roots => new HostLimits(roots, long.MaxValue, 50, TimeSpan.FromMilliseconds(400)));
        using var service = new RunService(temp.Store, heartbeatInterval: TimeSpan.FromMilliseconds(100));
        var executor = new ScriptedExecutor(epochs: 1, stepsPerEpoch: 100_000) { StepTime = TimeSpan.FromMilliseconds(5) };
        long id = service.Queue(Caller.DataFolderOwner, TempStore.Config("long"));

        using var worker = new RunWorker(service, executor, new RunWorkerOptions { ExitWhenIdle = true });
        await worker.StartAsync(CancellationToken.None);
        await worker.ExecuteTask!.WaitAsync(TimeSpan.FromSeconds(30));

        var run = temp.Store.Find(id)!;
        Assert.Equal(RunStatus.Stopped, run.Status);
        Assert.StartsWith("wall-time limit of 0.4 s reached (SBIRLAB_MAX_RUN_HOURS)", run.Message);
        Assert.True(run.Steps < 100_000);
    }
}
