using System.Data.Common;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;

namespace SbirLab.Store;

/// <summary>
/// How every connection to the store is opened: WAL journal (readers never block the writer, the
/// writer never blocks readers), <c>synchronous=NORMAL</c> (safe against a killed process, one fsync
/// per checkpoint instead of per commit), foreign keys on, and a busy timeout so two writers wait for
/// each other instead of failing.
/// </summary>
public static class SqliteSetup
{
    /// <summary>Per-connection settings; journal_mode=WAL is persistent and set once when the store opens.</summary>
    public const string ConnectionPragmas = "PRAGMA synchronous=NORMAL; PRAGMA busy_timeout=30000;";

    public static string ConnectionString(string databasePath) => new SqliteConnectionStringBuilder
    {
        DataSource = databasePath,
        Pooling = true,
        ForeignKeys = true,
        DefaultTimeout = 30,
    }.ToString();

    public static DbContextOptions<StoreDbContext> ContextOptions(string connectionString) =>
        new DbContextOptionsBuilder<StoreDbContext>()
            .UseSqlite(connectionString)
            .AddInterceptors(PragmaInterceptor.Instance)
            .Options;

    /// <summary>Opens a plain ADO.NET connection with the store's settings.</summary>
    public static SqliteConnection OpenConnection(string connectionString)
    {
        var connection = new SqliteConnection(connectionString);
        connection.Open();
        ApplyPragmas(connection);
        return connection;
    }

    private static void ApplyPragmas(DbConnection connection)
    {
        using var command = connection.CreateCommand();
        command.CommandText = ConnectionPragmas;
        command.ExecuteNonQuery();
    }

    /// <summary>Applies <see cref="ConnectionPragmas"/> to every connection EF Core opens.</summary>
    private sealed class PragmaInterceptor : DbConnectionInterceptor
    {
        public static readonly PragmaInterceptor Instance = new();

        public override void ConnectionOpened(DbConnection connection, ConnectionEndEventData eventData) =>
            ApplyPragmas(connection);

        public override Task ConnectionOpenedAsync(DbConnection connection, ConnectionEndEventData eventData,
            CancellationToken cancellationToken = default)
        {
            ApplyPragmas(connection);
            return Task.CompletedTask;
        }
    }
}
