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

    /// <summary>
    /// The devices it offers, one run at a time on each (<c>--devices cuda:0,cuda:1</c>, <c>cpu</c>, <c>cpu,cpu</c>); null: every
    /// GPU torch sees, else <see cref="MaxConcurrentRuns"/> CPU slots (one by default).
    /// </summary>
    public IReadOnlyList<WorkerDevice>? Devices { get; init; }

    /// <summary>The queues it serves (<c>--queue</c>); null: the default queue.</summary>
    public IReadOnlyList<string>? Queues { get; init; }

    /// <summary>The devices of <see cref="Devices"/>, or the default ones for an executor that sees <paramref name="gpus"/> GPUs.</summary>
    public IReadOnlyList<WorkerDevice> DevicesFor(int gpus)
    {
        if (Devices is { Count: > 0 } devices) return devices;
        int slots = Math.Max(1, MaxConcurrentRuns ?? Math.Max(1, gpus));
        return Enumerable.Range(0, slots).Select(i => gpus > 0 ? new WorkerDevice(DeviceKind.Cuda, i % gpus) : WorkerDevice.Cpu).ToList();
    }
}

/// <summary>
/// The hosted training service: serves its queues first in, first out, with one run at a time on each device it
/// offers (a slot), pinned to that device; a free slot claims only runs whose device kind it has. At start it marks
/// <c>interrupted</c> the runs still marked running by a worker that is gone.
/// When the host stops, the runs it trains stop at the next step (with a checkpoint) and are marked
/// <c>interrupted</c>, ready to resume. Works in the web app's host and in <c>sbirlab worker</c>.
/// </summary>
public sealed class RunWorker(RunService service, IRunExecutor executor, RunWorkerOptions options,
    IHostApplicationLifetime? lifetime = null) : BackgroundService
{
    /// <summary>One slot per device; a CUDA device this machine lacks is refused (<see cref="WorkerDevice.Refusal"/>).</summary>
    public IReadOnlyList<WorkerDevice> Devices { get; } = Checked(options.DevicesFor(executor.GpuCount), executor.GpuCount);

    /// <summary>The queues this worker serves.</summary>
    public IReadOnlyList<string> Queues { get; } = options.Queues is { Count: > 0 } queues ? queues : [Placement.DefaultQueue];

    /// <summary>Runs trained at once.</summary>
    public int Concurrency => Devices.Count;

    private static IReadOnlyList<WorkerDevice> Checked(IReadOnlyList<WorkerDevice> devices, int gpus) =>
        WorkerDevice.Refusal(devices, gpus) is { } refusal ? throw new ArgumentException(refusal) : devices;

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
        var nothingFor = new HashSet<DeviceKind>();
        for (int slot = 0; slot < slots.Length; slot++)
        {
            if (slots[slot] is { IsCompleted: false }) continue;
            var device = Devices[slot];
            if (nothingFor.Contains(device.Kind)) continue;
            var run = service.ClaimNext(new ClaimFilter(Queues, device));
            if (run is null)
            {
                nothingFor.Add(device.Kind); // the other slots of this kind would find nothing either; another kind may have work
                continue;
            }
            slots[slot] = Task.Factory.StartNew(() => service.Execute(run, executor, device.Name, stoppingToken),
                CancellationToken.None, TaskCreationOptions.LongRunning, TaskScheduler.Default);
            started = true;
        }
        return started;
    }
}
