using SbirLab.Core.Configs;
using SbirLab.Core.Runs;
using SbirLab.Store;
using SbirLab.Store.Accounts;

namespace SbirLab.Runs.Tests;

/// <summary>The host's wall-time limit, enforced by the worker on a running run (the queue limits are the store's: HostLimitTests).</summary>
public sealed class WallTimeLimitTests
{
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
