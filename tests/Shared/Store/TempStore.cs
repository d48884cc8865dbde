using Microsoft.Data.Sqlite;
using Npgsql;
using SbirLab.Core.Configs;
using SbirLab.Store;

namespace SbirLab.Tests;

/// <summary>
/// A run store in a fresh temporary data folder, deleted afterwards: on a real SQLite file, or on a fresh PostgreSQL
/// database created for the test (and dropped after it) on the server <see cref="TestPostgres"/> names.
/// </summary>
internal sealed class TempStore : IDisposable
{
    private readonly string? _postgresDatabase;

    /// <param name="limits">The host limits the store enforces (default: those of the environment).</param>
    /// <param name="provider">The database; PostgreSQL skips the test when no server is configured (see <see cref="TestPostgres"/>).</param>
    public TempStore(Func<PathRoots, HostLimits>? limits = null, StoreProvider provider = StoreProvider.Sqlite)
    {
        Root = Path.Combine(Path.GetTempPath(), "sbirlab-store-tests", Guid.NewGuid().ToString("N"));
        var data = new DataFolder(Root);
        Data = limits is null ? data : new DataFolder(Root) { Limits = limits(data.Roots) };
        if (provider == StoreProvider.Postgres)
        {
            (_postgresDatabase, string connection) = TestPostgres.CreateDatabase();
            Connection = StoreConnection.Postgres(connection);
        }
        else
        {
            Connection = StoreConnection.Sqlite(Data);
        }
        Store = RunStore.Open(Data, Connection);
    }

    public string Root { get; }
    public DataFolder Data { get; }
    public StoreConnection Connection { get; }
    public RunStore Store { get; }

    /// <summary>A small valid config (the run is trained by a test double, never by the engine).</summary>
    public static RunConfig Config(string name = "run", int seed = 1) => new() { Name = name, Seed = seed };

    /// <summary>Opens a second store on the same database, as another process would.</summary>
    public RunStore OpenAnother() => RunStore.Open(Data, Connection);

    public void Dispose()
    {
        Store.Dispose();
        SqliteConnection.ClearAllPools();
        if (_postgresDatabase is not null) TestPostgres.DropDatabase(_postgresDatabase);
        try { Directory.Delete(Root, recursive: true); }
        catch (IOException) { /* a straggling handle; the temp folder is cleaned by the OS */ }
    }
}

/// <summary>
/// The PostgreSQL server the tests use: <c>SBIRLAB_TEST_POSTGRES</c> holds a connection string whose role may create
/// databases (.ci/run starts a cluster and sets it). Without it the PostgreSQL cases are skipped, unless
/// <c>SBIRLAB_TEST_REQUIRE_POSTGRES=1</c> (set by CI), where a missing server fails them.
/// </summary>
internal static class TestPostgres
{
    public const string Variable = "SBIRLAB_TEST_POSTGRES";
    public const string RequireVariable = "SBIRLAB_TEST_REQUIRE_POSTGRES";

    public static string? ConnectionString => Environment.GetEnvironmentVariable(Variable) is { Length: > 0 } value ? value : null;

    /// <summary>Skips the calling test when no server is configured (fails it where CI requires one).</summary>
    public static string Require()
    {
        if (ConnectionString is { } connection) return connection;
        if (Environment.GetEnvironmentVariable(RequireVariable) == "1")
            throw new InvalidOperationException($"{RequireVariable}=1 but {Variable} names no PostgreSQL server");
        Skip.If(true, $"{Variable} is not set: no PostgreSQL server to test against");
        return "";
    }

    /// <summary>A new, empty database (the name and its connection string).</summary>
    public static (string Name, string ConnectionString) CreateDatabase()
    {
        var server = new NpgsqlConnectionStringBuilder(Require());
        string name = "sbirlab_test_" + Guid.NewGuid().ToString("N");
        using (var admin = new NpgsqlConnection(server.ConnectionString))
        {
            admin.Open();
            using var create = new NpgsqlCommand($"CREATE DATABASE \"{name}\"", admin); // a generated name, not input
            create.ExecuteNonQuery();
        }
        server.Database = name;
        return (name, server.ConnectionString);
    }

    /// <summary>Drops a test's database; retried while a server process (autovacuum) still has it open.</summary>
    public static void DropDatabase(string name)
    {
        NpgsqlConnection.ClearAllPools();
        for (int attempt = 1; ; attempt++)
        {
            try
            {
                using var admin = new NpgsqlConnection(Require());
                admin.Open();
                using var drop = new NpgsqlCommand($"DROP DATABASE IF EXISTS \"{name}\" WITH (FORCE)", admin);
                drop.ExecuteNonQuery();
                return;
            }
            catch (PostgresException e) when (attempt < 20 && e.SqlState is PostgresErrorCodes.InsufficientPrivilege or PostgresErrorCodes.ObjectInUse)
            {
                Thread.Sleep(250);
            }
        }
    }
}
