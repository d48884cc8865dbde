using SbirLab.Store;

namespace SbirLab.Web.Services;

/// <summary>
/// Checks every few seconds that the database file is still the one the lab opened; once it is deleted or
/// replaced, <see cref="Problem"/> says so (every page shows it) and the log gets one error, instead of the lab
/// writing on into a file nobody will see again.
/// </summary>
public sealed class DatabaseWatch(RunStore store, ILogger<DatabaseWatch> logger) : BackgroundService
{
    /// <summary>How often the file is checked.</summary>
    public static readonly TimeSpan Interval = TimeSpan.FromSeconds(5);

    /// <summary>What is wrong with the database (at start or since), or null.</summary>
    public string? Problem { get; private set; } = store.Identity.StartWarnings.Count > 0 ? string.Join("; ", store.Identity.StartWarnings) : null;

    /// <summary>Checks now (the timer calls this too).</summary>
    public string? CheckNow()
    {
        var found = store.Identity.Check();
        if (found is not null && found != Problem) logger.LogError("{Problem}", found);
        if (found is not null) Problem = found;
        return found;
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(Interval);
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken)) CheckNow();
        }
        catch (OperationCanceledException) { /* the lab is stopping */ }
    }
}
