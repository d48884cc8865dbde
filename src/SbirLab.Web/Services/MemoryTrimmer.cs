using System.Runtime;
using SbirLab.Core.Runs;
using SbirLab.Engine;
using SbirLab.Engine.Training;
using SbirLab.Runs;

namespace SbirLab.Web.Services;

/// <summary>
/// Gives memory back to the system when a run ends. A run loads its data set and fills native torch and
/// managed heaps that nobody needs once it is over; without a full compacting collection and a
/// <c>malloc_trim</c> the lab would keep that resident until the next run, which is what a web process
/// that shares the machine with training must not do.
/// </summary>
public sealed class MemoryTrimmer(RunEventHub events, ILogger<MemoryTrimmer> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var subscription = events.Open(null);
        try
        {
            await foreach (var runEvent in subscription.Reader.ReadAllAsync(stoppingToken))
                if (runEvent is RunStatusChanged changed && !RunTransitions.IsActive(changed.Status))
                    Trim();
        }
        catch (OperationCanceledException) { /* the lab is stopping */ }
    }

    /// <summary>A full, compacting collection (the large-object heap included), then the C library's trim.</summary>
    public void Trim()
    {
        long before = Environment.WorkingSet;
        GCSettings.LargeObjectHeapCompactionMode = GCLargeObjectHeapCompactionMode.CompactOnce;
        GC.Collect(GC.MaxGeneration, GCCollectionMode.Aggressive, blocking: true, compacting: true);
        GC.WaitForPendingFinalizers();
        NativeAllocator.Trim();
        logger.LogInformation("run ended: resident memory {Before} MiB → {After} MiB", before >> 20, Environment.WorkingSet >> 20);
    }
}
