using SbirLab.Core.Runs;
using SbirLab.Store;
using SbirLab.Store.Entities;

namespace SbirLab.Runs.Tests;

/// <summary>
/// The lease watch a lab and every worker run: a run whose worker stopped renewing its lease is marked interrupted and
/// the change is published to the hub; a run whose worker renews stays running. On both providers.
/// </summary>
public abstract class LeaseWatchTests(StoreProvider provider)
{
    private static readonly TimeSpan Lease = TimeSpan.FromSeconds(1);
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(20);

    [SkippableFact]
    public async Task A_run_whose_worker_stopped_renewing_is_marked_interrupted_and_published_and_a_renewed_one_stays_running()
    {
        using var temp = new TempStore(provider: provider);
        temp.Store.LeaseDuration = Lease;
        using var service = new RunService(temp.Store);
        var dead = new WorkerIdentity("other-host", 4242, DateTime.UtcNow).Named("gone");
        var alive = new WorkerIdentity("other-host", 4243, DateTime.UtcNow).Named("alive");
        long orphan = temp.Store.CreateRunning(TempStore.Config("orphan"), dead).Id;
        long renewed = temp.Store.CreateRunning(TempStore.Config("renewed"), alive).Id;
        using var events = service.Events.Open(orphan);
        using var watch = new LeaseWatch(service);
        using var stop = new CancellationTokenSource(Patience);
        await watch.StartAsync(stop.Token);

        var renewing = RenewUntil(temp.Store, alive, renewed, stop.Token);
        var change = Assert.IsType<RunStatusChanged>(await events.Reader.ReadAsync(stop.Token));
        await stop.CancelAsync();
        await renewing;
        await watch.StopAsync(CancellationToken.None);

        Assert.Equal((orphan, RunStatus.Interrupted), (change.RunId, change.Status));
        Assert.StartsWith("worker gone on host other-host stopped renewing", change.Message, StringComparison.Ordinal);
        Assert.Equal(RunStatus.Interrupted, temp.Store.Find(orphan)!.Status);
        Assert.Equal(RunStatus.Running, temp.Store.Find(renewed)!.Status);
        Assert.True(watch.Interval <= Lease / 2);
    }

    /// <summary>The live worker's heartbeat, four times a lease, until <paramref name="stop"/>.</summary>
    private static async Task RenewUntil(RunStore store, WorkerIdentity worker, long runId, CancellationToken stop)
    {
        try
        {
            while (true)
            {
                store.Heartbeat(worker, [new RunProgress(runId, 0, 0)]);
                await Task.Delay(Lease / 4, stop);
            }
        }
        catch (OperationCanceledException)
        {
            // the test has its answer
        }
    }
}

public sealed class SqliteLeaseWatchTests() : LeaseWatchTests(StoreProvider.Sqlite);

public sealed class PostgresLeaseWatchTests() : LeaseWatchTests(StoreProvider.Postgres);
