using System.Data.Common;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata;
using Npgsql;

namespace SbirLab.Store;

/// <summary>
/// How the store talks to PostgreSQL: Npgsql's EF Core provider, with the migrations of its own assembly
/// (<see cref="MigrationsAssembly"/>: SQLite's stay in this one), and plain Npgsql connections for the batch writer
/// and the queue's <c>FOR UPDATE SKIP LOCKED</c> claim.
/// </summary>
public static class PostgresSetup
{
    /// <summary>The assembly that holds the PostgreSQL migrations (src/SbirLab.Store.Postgres).</summary>
    public const string MigrationsAssembly = "SbirLab.Store.Postgres";

    public static DbContextOptions<StoreDbContext> ContextOptions(string connectionString) =>
        new DbContextOptionsBuilder<StoreDbContext>()
            .UseNpgsql(connectionString, npgsql => npgsql.MigrationsAssembly(MigrationsAssembly))
            .Options;

    /// <summary>A context on an open connection (the copy runs EF and COPY in one transaction of one connection).</summary>
    public static DbContextOptions<StoreDbContext> ContextOptions(DbConnection connection) =>
        new DbContextOptionsBuilder<StoreDbContext>()
            .UseNpgsql(connection, npgsql => npgsql.MigrationsAssembly(MigrationsAssembly))
            .Options;

    /// <summary>Opens a plain ADO.NET connection (pooled by Npgsql per connection string).</summary>
    public static NpgsqlConnection OpenConnection(string connectionString)
    {
        var connection = new NpgsqlConnection(connectionString);
        connection.Open();
        return connection;
    }

    /// <summary>
    /// Sets each identity column's sequence so the next id follows the highest its table holds, or
    /// <paramref name="floors"/>' value for the table when higher (ids of deleted rows are not handed out again).
    /// </summary>
    public static void ResetSequences(StoreDbContext db, IReadOnlyDictionary<string, long> floors)
    {
        foreach (var entity in db.Model.GetEntityTypes())
        {
            if (entity.GetTableName() is not { } table || IdentityKey(entity) is not { } column) continue;
            long floor = floors.GetValueOrDefault(table);
            // Identifiers come from the model, not from input; quoted as PostgreSQL quotes them.
            string sql = $"SELECT setval(pg_get_serial_sequence('\"{table}\"', '{column}'), GREATEST(COALESCE((SELECT MAX(\"{column}\") FROM \"{table}\"), 0), {{0}}, 1), GREATEST(COALESCE((SELECT MAX(\"{column}\") FROM \"{table}\"), 0), {{0}}) > 0)";
            db.Database.ExecuteSqlRaw(sql, floor);
        }
    }

    /// <summary>The column of a single numeric generated key (an identity column here), else null.</summary>
    private static string? IdentityKey(IEntityType entity)
    {
        var key = entity.FindPrimaryKey();
        if (key is not { Properties: [var property] }) return null;
        if (property.ClrType != typeof(long) && property.ClrType != typeof(int)) return null;
        return property.ValueGenerated == ValueGenerated.Never ? null : property.GetColumnName();
    }
}
