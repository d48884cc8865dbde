using System.Data.Common;
using System.Globalization;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Npgsql;
using SbirLab.Core.Runs;

namespace SbirLab.Store;

/// <summary>
/// Notices when the database is not the one the lab's run folders belong to. Each database gets a random id, also
/// written beside the data (<see cref="MarkerPath"/>): at start a missing database with run folders on disk, or a
/// database whose id differs from the marker's, is reported; while the lab runs, <see cref="Check"/> reports a
/// database deleted or replaced under it. New run ids always continue after the highest run folder on disk, so a
/// fresh database never hands out an id whose folder is taken. SQLite keeps the id in its <c>user_version</c>
/// (unused by EF Core) and the marker is <c>sbirlab.db.id</c>; PostgreSQL keeps it in the one-row table
/// <c>StoreIdentity</c> (created by its first migration) and the marker is <c>store.id</c> in the data folder.
/// </summary>
public sealed class DatabaseIdentity
{
    /// <summary>PostgreSQL's table of the id (one row), created outside the EF model by the PostgreSQL migrations.</summary>
    public const string PostgresTable = "StoreIdentity";

    private readonly DataFolder _data;
    private readonly StoreConnection _store;

    private DatabaseIdentity(DataFolder data, StoreConnection store, int id, IReadOnlyList<string> warnings)
    {
        _data = data;
        _store = store;
        Id = id;
        StartWarnings = warnings;
    }

    /// <summary>The id of the database the store opened.</summary>
    public int Id { get; }

    /// <summary>What was found wrong when the store opened (empty when all was well).</summary>
    public IReadOnlyList<string> StartWarnings { get; }

    public string MarkerPath => MarkerFor(_data, _store.Provider);

    /// <summary>Run before migrations: whether the database was there (SQLite: the file; PostgreSQL: migrations applied).</summary>
    public static bool DatabaseExists(DataFolder data, StoreConnection store, StoreDbContext db) =>
        store.Provider == StoreProvider.Sqlite ? File.Exists(data.DatabasePath) : db.Database.GetAppliedMigrations().Any();

    /// <summary>Run after migrations: gives the database an id when new, compares it with the marker, moves run ids past existing folders.</summary>
    public static DatabaseIdentity Establish(DataFolder data, StoreConnection store, StoreDbContext db, bool existedBefore)
    {
        var warnings = new List<string>();
        string where = store.Describe();
        long highestFolder = HighestRunFolder(data);
        if (!existedBefore && highestFolder > 0)
            warnings.Add($"the database {where} was missing but {data.RunsRoot} holds run folders up to {highestFolder}: a new, empty database was created; new run ids start after {highestFolder}");
        int id = ReadId(db, store.Provider);
        if (id == 0)
        {
            id = Random.Shared.Next(1, int.MaxValue);
            WriteId(db, store.Provider, id);
        }
        string marker = MarkerFor(data, store.Provider);
        if (existedBefore && File.Exists(marker) && File.ReadAllText(marker).Trim() is var recorded && recorded != id.ToString(CultureInfo.InvariantCulture))
            warnings.Add($"the database {where} is not the one this data folder last used (its id differs from {marker}): it was replaced; its runs may not match the folders in {data.RunsRoot}");
        AtomicFile.WriteAllText(marker, id.ToString(CultureInfo.InvariantCulture));
        SkipPastRunFolders(db, store.Provider, highestFolder);
        return new DatabaseIdentity(data, store, id, warnings);
    }

    /// <summary>Null while the database is the one opened; else what happened to it (deleted, replaced, unreachable).</summary>
    public string? Check() => _store.Provider == StoreProvider.Sqlite ? CheckSqlite() : CheckPostgres();

    private string? CheckSqlite()
    {
        if (!File.Exists(_data.DatabasePath))
            return $"the database file {_data.DatabasePath} was deleted while the lab runs; changes are no longer recorded — restore it or restart the lab";
        try
        {
            // A fresh, unpooled, read-only connection: a pooled one may still hold the old (deleted) file open.
            using var connection = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = _data.DatabasePath, Mode = SqliteOpenMode.ReadOnly, Pooling = false }.ToString());
            connection.Open();
            int current = QueryId(connection, StoreProvider.Sqlite);
            return current == Id ? null
                : $"the database file {_data.DatabasePath} was replaced while the lab runs (another database's id); restart the lab to use it";
        }
        catch (SqliteException e)
        {
            return $"the database file {_data.DatabasePath} cannot be read: {e.Message}";
        }
    }

    private string? CheckPostgres()
    {
        string where = _store.Describe();
        try
        {
            using var connection = PostgresSetup.OpenConnection(_store.ConnectionString);
            int current = QueryId(connection, StoreProvider.Postgres);
            return current == Id ? null
                : $"the database {where} was replaced while the lab runs (another database's id); restart the lab to use it";
        }
        catch (PostgresException e) when (e.SqlState == PostgresErrorCodes.UndefinedTable)
        {
            return $"the database {where} lost its tables while the lab runs; changes are no longer recorded — restore it or restart the lab";
        }
        catch (Exception e) when (e is NpgsqlException or TimeoutException)
        {
            return $"the database {where} cannot be reached: {e.Message}";
        }
    }

    /// <summary>The highest numeric folder name under runs/ (0 when none).</summary>
    public static long HighestRunFolder(DataFolder data) =>
        Directory.Exists(data.RunsRoot)
            ? Directory.EnumerateDirectories(data.RunsRoot).Select(Path.GetFileName)
                .Select(name => long.TryParse(name, NumberStyles.None, CultureInfo.InvariantCulture, out var n) ? n : 0).DefaultIfEmpty(0).Max()
            : 0;

    /// <summary>Records <paramref name="id"/> as the database this data folder uses with <paramref name="provider"/> (after a copy).</summary>
    internal static void WriteMarker(DataFolder data, StoreProvider provider, int id) =>
        AtomicFile.WriteAllText(MarkerFor(data, provider), id.ToString(CultureInfo.InvariantCulture));

    private static string MarkerFor(DataFolder data, StoreProvider provider) =>
        provider == StoreProvider.Sqlite ? data.DatabasePath + ".id" : Path.Combine(data.Root, "store.id");

    private static int ReadId(StoreDbContext db, StoreProvider provider)
    {
        var connection = db.Database.GetDbConnection();
        bool opened = connection.State != System.Data.ConnectionState.Open;
        if (opened) connection.Open();
        try
        {
            return QueryId(connection, provider);
        }
        finally
        {
            if (opened) connection.Close();
        }
    }

    private static int QueryId(DbConnection connection, StoreProvider provider)
    {
        using var command = connection.CreateCommand();
        command.CommandText = provider == StoreProvider.Sqlite ? "PRAGMA user_version;" : $"SELECT COALESCE(MAX(\"Id\"), 0) FROM \"{PostgresTable}\";";
        return Convert.ToInt32(command.ExecuteScalar(), CultureInfo.InvariantCulture);
    }

    /// <summary>Gives the database the id <paramref name="id"/> (also used by the copy, so the copy keeps the original's id).</summary>
    internal static void WriteId(StoreDbContext db, StoreProvider provider, int id)
    {
        if (provider == StoreProvider.Sqlite)
        {
            string setId = "PRAGMA user_version = " + id.ToString(CultureInfo.InvariantCulture) + ";"; // a pragma takes no parameters; an int is safe
            db.Database.ExecuteSqlRaw(setId);
            return;
        }
        db.Database.ExecuteSqlRaw($"DELETE FROM \"{PostgresTable}\"");
        db.Database.ExecuteSql($"INSERT INTO \"StoreIdentity\" (\"Id\") VALUES ({id})");
    }

    /// <summary>Makes the Runs id generator hand out ids above <paramref name="highest"/> (SQLite keeps its counter in sqlite_sequence, PostgreSQL in the identity's sequence).</summary>
    private static void SkipPastRunFolders(StoreDbContext db, StoreProvider provider, long highest)
    {
        if (highest <= 0) return;
        if (provider == StoreProvider.Postgres)
        {
            db.Database.ExecuteSql($"SELECT setval(pg_get_serial_sequence('\"Runs\"', 'Id'), {highest}) WHERE COALESCE(pg_sequence_last_value(pg_get_serial_sequence('\"Runs\"', 'Id')::regclass), 0) < {highest}");
            return;
        }
        db.Database.ExecuteSql($"UPDATE sqlite_sequence SET seq = {highest} WHERE name = 'Runs' AND seq < {highest}");
        db.Database.ExecuteSql($"INSERT INTO sqlite_sequence(name, seq) SELECT 'Runs', {highest} WHERE NOT EXISTS (SELECT 1 FROM sqlite_sequence WHERE name = 'Runs')");
    }
}
