using System.Globalization;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;

namespace SbirLab.Store;

/// <summary>
/// Notices when the database file is not the one the lab's run folders belong to. Each database gets a random id
/// (SQLite's <c>user_version</c>, unused by EF Core) that is also written beside it (<c>sbirlab.db.id</c>): at start a
/// missing database with run folders on disk, or a database whose id differs from the file's, is reported; while
/// the lab runs, <see cref="Check"/> reports a database file deleted or replaced under it. New run ids always
/// continue after the highest run folder on disk, so a fresh database never hands out an id whose folder is taken.
/// </summary>
public sealed class DatabaseIdentity
{
    private readonly DataFolder _data;

    private DatabaseIdentity(DataFolder data, int id, IReadOnlyList<string> warnings)
    {
        _data = data;
        Id = id;
        StartWarnings = warnings;
    }

    /// <summary>The id of the database the store opened.</summary>
    public int Id { get; }

    /// <summary>What was found wrong when the store opened (empty when all was well).</summary>
    public IReadOnlyList<string> StartWarnings { get; }

    public string MarkerPath => MarkerFor(_data);

    /// <summary>Run before migrations: whether the database file was there.</summary>
    public static bool DatabaseExists(DataFolder data) => File.Exists(data.DatabasePath);

    /// <summary>Run after migrations: gives the database an id when new, compares it with the marker, moves run ids past existing folders.</summary>
    public static DatabaseIdentity Establish(DataFolder data, StoreDbContext db, bool existedBefore)
    {
        var warnings = new List<string>();
        long highestFolder = HighestRunFolder(data);
        if (!existedBefore && highestFolder > 0)
            warnings.Add($"the database {data.DatabasePath} was missing but {data.RunsRoot} holds run folders up to {highestFolder}: a new, empty database was created; new run ids start after {highestFolder}");
        int id = ReadId(db);
        if (id == 0)
        {
            id = Random.Shared.Next(1, int.MaxValue);
            string setId = "PRAGMA user_version = " + id.ToString(CultureInfo.InvariantCulture) + ";"; // a pragma takes no parameters; an int is safe
            db.Database.ExecuteSqlRaw(setId);
        }
        string marker = MarkerFor(data);
        if (existedBefore && File.Exists(marker) && File.ReadAllText(marker).Trim() is var recorded && recorded != id.ToString(CultureInfo.InvariantCulture))
            warnings.Add($"the database {data.DatabasePath} is not the one this data folder last used (its id differs from {marker}): it was replaced; its runs may not match the folders in {data.RunsRoot}");
        File.WriteAllText(marker, id.ToString(CultureInfo.InvariantCulture));
        SkipPastRunFolders(db, highestFolder);
        return new DatabaseIdentity(data, id, warnings);
    }

    /// <summary>Null while the database file is the one opened; else what happened to it (deleted, replaced).</summary>
    public string? Check()
    {
        if (!File.Exists(_data.DatabasePath))
            return $"the database file {_data.DatabasePath} was deleted while the lab runs; changes are no longer recorded — restore it or restart the lab";
        try
        {
            // A fresh, unpooled, read-only connection: a pooled one may still hold the old (deleted) file open.
            using var connection = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = _data.DatabasePath, Mode = SqliteOpenMode.ReadOnly, Pooling = false }.ToString());
            connection.Open();
            using var command = connection.CreateCommand();
            command.CommandText = "PRAGMA user_version;";
            int current = Convert.ToInt32(command.ExecuteScalar(), CultureInfo.InvariantCulture);
            return current == Id ? null
                : $"the database file {_data.DatabasePath} was replaced while the lab runs (another database's id); restart the lab to use it";
        }
        catch (SqliteException e)
        {
            return $"the database file {_data.DatabasePath} cannot be read: {e.Message}";
        }
    }

    /// <summary>The highest numeric folder name under runs/ (0 when none).</summary>
    public static long HighestRunFolder(DataFolder data) =>
        Directory.Exists(data.RunsRoot)
            ? Directory.EnumerateDirectories(data.RunsRoot).Select(Path.GetFileName)
                .Select(name => long.TryParse(name, NumberStyles.None, CultureInfo.InvariantCulture, out var n) ? n : 0).DefaultIfEmpty(0).Max()
            : 0;

    private static string MarkerFor(DataFolder data) => data.DatabasePath + ".id";

    private static int ReadId(StoreDbContext db)
    {
        var connection = db.Database.GetDbConnection();
        bool opened = connection.State != System.Data.ConnectionState.Open;
        if (opened) connection.Open();
        try
        {
            using var command = connection.CreateCommand();
            command.CommandText = "PRAGMA user_version;";
            return Convert.ToInt32(command.ExecuteScalar(), CultureInfo.InvariantCulture);
        }
        finally
        {
            if (opened) connection.Close();
        }
    }

    /// <summary>Makes AUTOINCREMENT hand out ids above <paramref name="highest"/> (SQLite keeps its counter in sqlite_sequence).</summary>
    private static void SkipPastRunFolders(StoreDbContext db, long highest)
    {
        if (highest <= 0) return;
        db.Database.ExecuteSql($"UPDATE sqlite_sequence SET seq = {highest} WHERE name = 'Runs' AND seq < {highest}");
        db.Database.ExecuteSql($"INSERT INTO sqlite_sequence(name, seq) SELECT 'Runs', {highest} WHERE NOT EXISTS (SELECT 1 FROM sqlite_sequence WHERE name = 'Runs')");
    }
}
