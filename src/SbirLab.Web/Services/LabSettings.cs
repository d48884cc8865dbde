using SbirLab.Store;

namespace SbirLab.Web.Services;

/// <summary>
/// The lab's settings, read from the command line, the environment and appsettings.json:
/// <c>--data</c> (else SBIRLAB_DATA, else ./data), <c>--templates</c> (a folder of extra templates),
/// <c>--worker false</c> (queue only; another process trains), <c>--live-interval-ms</c>
/// (the shortest gap between two live updates of one browser) and <c>--live-updates-per-s</c> (live updates
/// a second for all browsers together: with many watchers each one's updates are spaced out so that serving
/// them keeps to a fixed share of the CPU that training needs; 0 for no limit).
/// </summary>
public sealed record LabSettings(DataFolder Data, string? TemplatesFolder, bool RunWorker, TimeSpan LiveInterval, int LiveUpdatesPerSecond = 40)
{
    public static LabSettings From(IConfiguration configuration) => new(
        DataFolder.Resolve(configuration["data"]),
        configuration["templates"],
        configuration.GetValue("worker", true),
        TimeSpan.FromMilliseconds(Math.Clamp(configuration.GetValue("live-interval-ms", 250), 20, 10_000)),
        Math.Max(0, configuration.GetValue("live-updates-per-s", 40)));

    /// <summary>The gap between two live updates of one browser while <paramref name="watchers"/> browsers watch runs.</summary>
    public TimeSpan LiveIntervalFor(int watchers) =>
        LiveUpdatesPerSecond <= 0 ? LiveInterval : TimeSpan.FromSeconds(Math.Max(LiveInterval.TotalSeconds, (double)watchers / LiveUpdatesPerSecond));
}
