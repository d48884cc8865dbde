using Microsoft.Extensions.Hosting;
using SbirLab.Core.Runs;

namespace SbirLab.Runs;

/// <summary>
/// Marks <c>interrupted</c> the runs whose worker stopped renewing its lease, wherever that worker ran: every lab and
/// every worker process runs one, so a dead worker's run is noticed within a lease and a few seconds even when no other
/// worker starts. Publishes the change, so pages watching the run show it.
/// </summary>
public sealed class LeaseWatch(RunService service) : BackgroundService
{
    /// <summary>How often the store is asked: half a lease, at most every 5 seconds, at least every 200 ms.</summary>
    public TimeSpan Interval => TimeSpan.FromTicks(Math.Clamp(service.Store.LeaseDuration.Ticks / 2, TimeSpan.FromMilliseconds(200).Ticks, TimeSpan.FromSeconds(5).Ticks));

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(Interval);
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken)) Recover();
        }
        catch (OperationCanceledException)
        {
            // the host is stopping
        }
    }

    private void Recover()
    {
        try
        {
            foreach (var id in service.Store.RecoverOrphans())
                service.Events.Publish(new RunStatusChanged(id, RunStatus.Interrupted, service.Store.Find(id)?.Message ?? "worker stopped renewing its lease"));
        }
        catch (Exception e) when (e is System.Data.Common.DbException or InvalidOperationException or TimeoutException)
        {
            // the database is briefly unavailable: the next tick tries again
        }
    }
}
