using SbirLab.Store;

namespace SbirLab.Web.Services;

/// <summary>
/// The lab's settings, read from the command line, the environment and appsettings.json:
/// <c>--data</c> (else SBIRLAB_DATA, else ./data), <c>--artifacts</c> (the runs' folders: else SBIRLAB_ARTIFACTS, else the data
/// folder; see <see cref="DataFolder.ArtifactsRoot"/>), <c>--templates</c> (a folder of extra templates),
/// <c>--worker false</c> (queue only; another process trains), <c>--live-interval-ms</c>
/// (the shortest gap between two live updates of one browser) and <c>--live-updates-per-s</c> (live updates
/// a second for all browsers together: with many watchers each one's updates are spaced out so that serving
/// them keeps to a fixed share of the CPU that training needs; 0 for no limit), <c>--members-read team|all</c> (the
/// course's setting: members read their own team's runs, or every team's) and <c>--public-search-burst</c> (searches a
/// visitor without an account may make at once; see <see cref="Accounts.LabRateLimits"/>), <c>--store</c> (a PostgreSQL
/// connection string or postgresql:// URL, else SBIRLAB_STORE, else the data folder's SQLite file; see <see cref="StoreConnection"/>).
/// </summary>
public sealed record LabSettings(DataFolder Data, string? TemplatesFolder, bool RunWorker, TimeSpan LiveInterval, int LiveUpdatesPerSecond = 40,
    bool MembersReadAllTeams = false, int PublicSearchBurst = 30, StoreConnection? Store = null)
{
    /// <summary>The database the lab opens: <see cref="Store"/>, else the data folder's SQLite file.</summary>
    public StoreConnection Connection => Store ?? StoreConnection.Sqlite(Data);

    public static LabSettings From(IConfiguration configuration) =>
        From(configuration, DataFolder.Resolve(configuration["data"], configuration["artifacts"]));

    private static LabSettings From(IConfiguration configuration, DataFolder data) => new(
        data,
        configuration["templates"],
        configuration.GetValue("worker", true),
        TimeSpan.FromMilliseconds(Math.Clamp(configuration.GetValue("live-interval-ms", 250), 20, 10_000)),
        Math.Max(0, configuration.GetValue("live-updates-per-s", 40)),
        MembersRead(configuration["members-read"]),
        Math.Clamp(configuration.GetValue("public-search-burst", 30), 1, 10_000),
        StoreConnection.Resolve(configuration["store"], data));

    private static bool MembersRead(string? value) => value?.Trim().ToLowerInvariant() switch
    {
        null or "" or "team" => false,
        "all" => true,
        _ => throw new ArgumentException($"--members-read {value}: 'team' (members read their own team's runs) or 'all' (every team's)"),
    };

    /// <summary>The gap between two live updates of one browser while <paramref name="watchers"/> browsers watch runs.</summary>
    public TimeSpan LiveIntervalFor(int watchers) =>
        LiveUpdatesPerSecond <= 0 ? LiveInterval : TimeSpan.FromSeconds(Math.Max(LiveInterval.TotalSeconds, (double)watchers / LiveUpdatesPerSecond));
}
