using Microsoft.EntityFrameworkCore;
using SbirLab.Core.Configs;
using SbirLab.Core.Runs;
using SbirLab.Store.Accounts;
using SbirLab.Store.Entities;

namespace SbirLab.Store;

/// <summary>
/// The run store: one database (the data folder's SQLite file in WAL mode, or a PostgreSQL server that workers on
/// several machines share, see <see cref="StoreConnection"/>) plus the runs' files in the data folder.
/// Every front end (web lab, command line, worker) goes through this class, so status changes follow
/// one set of rules. Each call uses its own short-lived context; metric points and log lines go
/// through <see cref="Writer"/> in batches. The class is split by concern: lifecycle (queue and status changes), leases (claims), queries, pages (the runs table), artifacts (evaluations and files) and annotations (tags, notes).
/// </summary>
public sealed partial class RunStore : IDisposable
{
    private readonly Lazy<MetricWriter> _writer;
    private readonly DbContextOptions<StoreDbContext> _options;

    private RunStore(DataFolder data, StoreConnection connection)
    {
        Data = data;
        Connection = connection;
        _options = connection.Provider == StoreProvider.Sqlite
            ? SqliteSetup.ContextOptions(connection.ConnectionString)
            : PostgresSetup.ContextOptions(connection.ConnectionString);
        _writer = new Lazy<MetricWriter>(() => new MetricWriter(connection));
        _changes = new Lazy<RunChangeFeed?>(() => connection.Provider == StoreProvider.Postgres ? new RunChangeFeed(connection.ConnectionString) : null);
    }

    private readonly Lazy<RunChangeFeed?> _changes;

    /// <summary>
    /// PostgreSQL: notifications of new points and status changes of runs, written by any process (LISTEN/NOTIFY; started
    /// on first use). SQLite: null (followers poll the file).
    /// </summary>
    public RunChangeFeed? Changes => _changes.Value;

    public DataFolder Data { get; }

    /// <summary>The database: the data folder's SQLite file, or a PostgreSQL server that several machines share.</summary>
    public StoreConnection Connection { get; }

    public StoreProvider Provider => Connection.Provider;
    public string ConnectionString => Connection.ConnectionString;

    /// <summary>The batch writer for metric points and log lines (started on first use).</summary>
    public MetricWriter Writer => _writer.Value;

    /// <summary>The permission rules the services apply (the course's setting decides whether members read other teams' runs).</summary>
    public AccessPolicy Access { get; set; } = new();

    /// <summary>Sets <see cref="Access"/> and returns the store (for registration in a host).</summary>
    public RunStore WithAccess(AccessPolicy access)
    {
        Access = access;
        return this;
    }

    /// <summary>
    /// Opens (creating when needed) the store of <paramref name="data"/> and applies pending migrations: the database
    /// <paramref name="connection"/> names, or the data folder's SQLite file when null. Run files stay in the data folder.
    /// </summary>
    public static RunStore Open(DataFolder data, StoreConnection? connection = null)
    {
        data.Create();
        // Caches of this lab's runs live in its data folder, not in whatever folder the process started in.
        if (!data.IsRunFolder) CacheFolder.Current = new(data.CacheRoot, CacheFolder.BudgetFromEnvironment());
        var store = new RunStore(data, connection ?? StoreConnection.Sqlite(data));
        using var db = store.CreateContext();
        bool existed = DatabaseIdentity.DatabaseExists(data, store.Connection, db);
        db.Database.Migrate();
        if (store.Provider == StoreProvider.Sqlite) db.Database.ExecuteSqlRaw("PRAGMA journal_mode=WAL;");
        store.Identity = DatabaseIdentity.Establish(data, store.Connection, db, existed);
        store.MeasureClock(db);
        LegacyRunFiles.ImportAll(store); // folders written before the store kept the history
        return store;
    }

    /// <summary>The database's identity: what was wrong at start, and <see cref="DatabaseIdentity.Check"/> while running.</summary>
    public DatabaseIdentity Identity { get; private set; } = default!;

    public StoreDbContext CreateContext() => new(_options);

    public void Dispose()
    {
        if (_writer.IsValueCreated) _writer.Value.Dispose();
        if (_changes.IsValueCreated) _changes.Value?.Dispose();
    }

    // ---- helpers ----------------------------------------------------------------------------

    private static long ExperimentId(StoreDbContext db, string name)
    {
        var experiment = db.Experiments.FirstOrDefault(e => e.Name == name);
        if (experiment is not null) return experiment.Id;
        experiment = new Experiment { Name = name, CreatedAt = DateTime.UtcNow };
        db.Experiments.Add(experiment);
        db.SaveChanges();
        return experiment.Id;
    }

    /// <summary>The queue and device kind a config asks for; text that does not parse waits in the default queue for any device (the worker fails it).</summary>
    private static (string Queue, string? DeviceKind) PlacementOf(string configJson)
    {
        try
        {
            var config = ConfigJson.ParseUnvalidated(configJson);
            return (Placement.IsQueueName(config.Queue) ? config.Queue : Placement.DefaultQueue, Placement.KindOf(config.Device)?.Text());
        }
        catch (Exception e) when (e is System.Text.Json.JsonException or NotSupportedException or ArgumentException or ConfigException)
        {
            return (Placement.DefaultQueue, null);
        }
    }

    private static KeyNotFoundException NotFound(long runId) => new($"no run with id {runId}");
}
