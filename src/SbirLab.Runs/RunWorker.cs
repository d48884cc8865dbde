using Microsoft.Extensions.Hosting;
using SbirLab.Core.Runs;
using SbirLab.Store;

namespace SbirLab.Runs;

/// <summary>Settings of a <see cref="RunWorker"/>.</summary>
public sealed record RunWorkerOptions
{
    /// <summary>Runs trained at once; null: one per GPU the executor sees, one on CPU.</summary>
    public int? MaxConcurrentRuns { get; init; }

    /// <summary>Leave when the queue is empty and nothing runs (scripts, CI, tests), instead of waiting for more.</summary>
    public bool ExitWhenIdle { get; init; }

    /// <summary>How often the queue is checked for runs queued by other processes.</summary>
    public TimeSpan PollInterval { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>The worker's name in the store (<c>--worker-id</c>); null: host:pid.</summary>
    public string? WorkerId { get; init; }
}

/// <summary>
/// The hosted training service: serves the queue first in, first out, with a fixed number of runs at
/// once. At start it marks <c>interrupted</c> the runs still marked running by a worker that is gone.
/// When the host stops, the runs it trains stop at the next step (with a checkpoint) and are marked
/// <c>interrupted</c>, ready to resume. Works in the web app's host and in <c>sbirlab worker</c>.
/// </summary>
public sealed class RunWorker(RunService service, IRunExecutor executor, RunWorkerOptions options,
    IHostApplicationLifetime? lifetime = null) : BackgroundService
{
    /// <summary>Runs trained at once.</summary>
    public int Concurrency { get; } = Math.Max(1, options.MaxConcurrentRuns ?? Math.Max(1, executor.GpuCount));

    /// <summary>Runs this worker marked interrupted when it started.</summary>
    public IReadOnlyList<long> Recovered { get; private set; } = [];

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        await Task.Yield();
        Recovered = service.Store.RecoverOrphans();
        foreach (var id in Recovered) service.Events.Publish(new RunStatusChanged(id, RunStatus.Interrupted, "worker gone"));

        var slots = new Task?[Concurrency];
        while (!stoppingToken.IsCancellationRequested)
        {
            bool started = FillSlots(slots, stoppingToken);
            if (options.ExitWhenIdle && !started && slots.All(s => s is null or { IsCompleted: true })) break;
            try { await service.WaitForWork(options.PollInterval, stoppingToken); }
            catch (OperationCanceledException) { break; }
        }
        await Task.WhenAll(slots.Where(s => s is not null)!);
        if (options.ExitWhenIdle) lifetime?.StopApplication();
    }

    /// <summary>Claims queued runs into free slots; true when it started any.</summary>
    private bool FillSlots(Task?[] slots, CancellationToken stoppingToken)
    {
        bool started = false;
        for (int slot = 0; slot < slots.Length; slot++)
        {
            if (slots[slot] is { IsCompleted: false }) continue;
            var run = service.ClaimNext();
            if (run is null) break;
            string? device = executor.GpuCount > 1 ? $"cuda:{slot}" : null;
            slots[slot] = Task.Factory.StartNew(() => service.Execute(run, executor, device, stoppingToken),
                CancellationToken.None, TaskCreationOptions.LongRunning, TaskScheduler.Default);
            started = true;
        }
        return started;
    }
}
