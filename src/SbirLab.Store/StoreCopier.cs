using System.Data.Common;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata;
using Npgsql;
using NpgsqlTypes;
using SbirLab.Store.Entities;

namespace SbirLab.Store;

/// <summary>Rows copied per table by <see cref="StoreCopier"/>, in the order they were copied.</summary>
public sealed record StoreCopyReport(IReadOnlyList<(string Table, long Rows)> Tables);

/// <summary>
/// <c>sbirlab store copy --to</c>: moves a lab's database (the data folder's SQLite file) into an empty PostgreSQL
/// database, nothing lost: every table of the model (teams, accounts and their claims, logins and tokens, experiments,
/// runs, tags, notes, evaluations, artifacts, metric points, log lines) with its ids, in one transaction (a failed copy
/// leaves the target as it was). Afterwards the id sequences continue where the source's did (past deleted rows too),
/// the target carries the source's database id (so the data folder's run folders are known to belong to it), and
/// every table's row count is compared. The run files stay in the data folder, which the PostgreSQL store keeps using.
/// </summary>
public static class StoreCopier
{
    private const int Chunk = 500;
    private const int BulkChunk = 50_000;

    /// <exception cref="InvalidOperationException">The target is not PostgreSQL, or already holds runs or accounts.</exception>
    public static StoreCopyReport Copy(RunStore source, StoreConnection target, TextWriter? progress = null)
    {
        if (target.Provider != StoreProvider.Postgres)
            throw new InvalidOperationException("store copy --to: the target must be a PostgreSQL connection string or postgresql:// URL");
        source.Writer.Flush();
        using (var migrate = new StoreDbContext(PostgresSetup.ContextOptions(target.ConnectionString)))
            migrate.Database.Migrate();

        using var connection = PostgresSetup.OpenConnection(target.ConnectionString);
        using var transaction = connection.BeginTransaction();
        using var to = new StoreDbContext(PostgresSetup.ContextOptions(connection));
        to.Database.UseTransaction(transaction);
        using var from = source.CreateContext();
        EnsureEmpty(to, target);

        var tables = new List<(string, long)>();
        void Note(string table, long rows)
        {
            tables.Add((table, rows));
            progress?.WriteLine($"{table}: {rows} rows");
        }

        to.Teams.ExecuteDelete(); // the migration's seeded default team; the source's own (same id) replaces it
        Note("Teams", CopyRows(from.Teams.OrderBy(t => t.Id), to));
        Note("AspNetUsers", CopyRows(from.Users.OrderBy(u => u.Id), to));
        Note("AspNetUserClaims", CopyRows(from.UserClaims.OrderBy(c => c.Id), to));
        Note("AspNetUserLogins", CopyRows(from.UserLogins.OrderBy(l => l.LoginProvider).ThenBy(l => l.ProviderKey), to));
        Note("AspNetUserTokens", CopyRows(from.UserTokens.OrderBy(t => t.UserId).ThenBy(t => t.LoginProvider).ThenBy(t => t.Name), to));
        Note("Experiments", CopyRows(from.Experiments.OrderBy(e => e.Id), to));
        Note("Runs", CopyRuns(from, to));
        Note("Tags", CopyRows(from.Tags.OrderBy(t => t.RunId).ThenBy(t => t.Name), to));
        Note("Notes", CopyRows(from.Notes.OrderBy(n => n.Id), to));
        Note("Evaluations", CopyRows(from.Evaluations.OrderBy(e => e.Id), to, chunk: 20)); // reports can be megabytes each
        Note("EmbeddingMaps", CopyRows(from.EmbeddingMaps.OrderBy(m => m.Id), to, chunk: 20));
        Note("Artifacts", CopyRows(from.Artifacts.OrderBy(a => a.Id), to));
        Note("MetricPoints", CopyMetricPoints(from, connection));
        Note("LogLines", CopyLogLines(from, connection));

        PostgresSetup.ResetSequences(to, SqliteCounters(source, from));
        DatabaseIdentity.WriteId(to, StoreProvider.Postgres, source.Identity.Id);
        var report = new StoreCopyReport(tables);
        EnsureSameCounts(from, to);
        transaction.Commit();
        DatabaseIdentity.WriteMarker(source.Data, StoreProvider.Postgres, source.Identity.Id);
        return report;
    }

    private static void EnsureEmpty(StoreDbContext to, StoreConnection target)
    {
        long runs = to.Runs.LongCount(), users = to.Users.LongCount();
        if (runs > 0 || users > 0)
            throw new InvalidOperationException($"store copy --to {target.Describe()}: the target already holds {runs} runs and {users} accounts; copy into an empty database (nothing was changed)");
    }

    /// <summary>Copies one table through EF in chunks ordered by key, ids included, times made UTC (SQLite hands them back unmarked).</summary>
    private static long CopyRows<T>(IOrderedQueryable<T> rows, StoreDbContext to, int chunk = Chunk) where T : class
    {
        long copied = 0;
        var entity = to.Model.FindEntityType(typeof(T)) ?? throw new InvalidOperationException($"{typeof(T).Name} is not in the model");
        for (int skip = 0; ; skip += chunk)
        {
            var rowsOfChunk = rows.AsNoTracking().Skip(skip).Take(chunk).ToList();
            if (rowsOfChunk.Count == 0) return copied;
            foreach (var row in rowsOfChunk) MakeTimesUtc(entity, row);
            to.AddRange(rowsOfChunk);
            to.SaveChanges();
            to.ChangeTracker.Clear();
            copied += rowsOfChunk.Count;
        }
    }

    /// <summary>Runs first without their parents (a parent may come later in id order), then the parent links.</summary>
    private static long CopyRuns(StoreDbContext from, StoreDbContext to)
    {
        var parents = from.Runs.AsNoTracking().Where(r => r.ParentRunId != null).Select(r => new { r.Id, r.ParentRunId }).ToList();
        var entity = to.Model.FindEntityType(typeof(RunRecord))!;
        long copied = 0;
        for (int skip = 0; ; skip += Chunk)
        {
            var chunk = from.Runs.AsNoTracking().OrderBy(r => r.Id).Skip(skip).Take(Chunk).ToList();
            if (chunk.Count == 0) break;
            foreach (var run in chunk)
            {
                run.ParentRunId = null;
                MakeTimesUtc(entity, run);
            }
            to.Runs.AddRange(chunk);
            to.SaveChanges();
            to.ChangeTracker.Clear();
            copied += chunk.Count;
        }
        foreach (var link in parents)
            to.Runs.Where(r => r.Id == link.Id).ExecuteUpdate(s => s.SetProperty(r => r.ParentRunId, link.ParentRunId));
        return copied;
    }

    private static void MakeTimesUtc(IEntityType entity, object row)
    {
        foreach (var property in entity.GetProperties())
        {
            if (property.PropertyInfo is not { } info) continue;
            switch (info.GetValue(row))
            {
                case DateTime time when time.Kind != DateTimeKind.Utc:
                    info.SetValue(row, time.Kind == DateTimeKind.Local ? time.ToUniversalTime() : DateTime.SpecifyKind(time, DateTimeKind.Utc));
                    break;
                case DateTimeOffset offset when offset.Offset != TimeSpan.Zero:
                    info.SetValue(row, offset.ToUniversalTime());
                    break;
            }
        }
    }

    private static long CopyMetricPoints(StoreDbContext from, NpgsqlConnection to)
    {
        long copied = 0, after = 0;
        while (true)
        {
            var chunk = from.MetricPoints.AsNoTracking().Where(p => p.Id > after).OrderBy(p => p.Id).Take(BulkChunk).ToList();
            if (chunk.Count == 0) return copied;
            using (var import = to.BeginBinaryImport("COPY \"MetricPoints\" (\"Id\", \"RunId\", \"Kind\", \"Step\", \"Epoch\", \"Name\", \"Value\") FROM STDIN (FORMAT BINARY)"))
            {
                foreach (var p in chunk)
                {
                    import.StartRow();
                    import.Write(p.Id, NpgsqlDbType.Bigint);
                    import.Write(p.RunId, NpgsqlDbType.Bigint);
                    import.Write((int)p.Kind, NpgsqlDbType.Integer);
                    import.Write(p.Step, NpgsqlDbType.Bigint);
                    import.Write(p.Epoch, NpgsqlDbType.Integer);
                    import.Write(p.Name, NpgsqlDbType.Text);
                    if (p.Value is { } value) import.Write(value, NpgsqlDbType.Double);
                    else import.WriteNull();
                }
                import.Complete();
            }
            copied += chunk.Count;
            after = chunk[^1].Id;
        }
    }

    private static long CopyLogLines(StoreDbContext from, NpgsqlConnection to)
    {
        long copied = 0, after = 0;
        while (true)
        {
            var chunk = from.LogLines.AsNoTracking().Where(l => l.Id > after).OrderBy(l => l.Id).Take(BulkChunk).ToList();
            if (chunk.Count == 0) return copied;
            using (var import = to.BeginBinaryImport("COPY \"LogLines\" (\"Id\", \"RunId\", \"Time\", \"Text\") FROM STDIN (FORMAT BINARY)"))
            {
                foreach (var l in chunk)
                {
                    import.StartRow();
                    import.Write(l.Id, NpgsqlDbType.Bigint);
                    import.Write(l.RunId, NpgsqlDbType.Bigint);
                    import.Write(DateTime.SpecifyKind(l.Time, DateTimeKind.Utc), NpgsqlDbType.TimestampTz);
                    import.Write(l.Text, NpgsqlDbType.Text);
                }
                import.Complete();
            }
            copied += chunk.Count;
            after = chunk[^1].Id;
        }
    }

    /// <summary>SQLite's AUTOINCREMENT counters (they stay above deleted rows' ids, so no id is handed out twice).</summary>
    private static Dictionary<string, long> SqliteCounters(RunStore source, StoreDbContext from)
    {
        var counters = new Dictionary<string, long>(StringComparer.Ordinal);
        if (source.Provider != StoreProvider.Sqlite) return counters;
        var connection = from.Database.GetDbConnection();
        if (connection.State != System.Data.ConnectionState.Open) connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT name, seq FROM sqlite_sequence";
        using DbDataReader reader = command.ExecuteReader();
        while (reader.Read()) counters[reader.GetString(0)] = reader.GetInt64(1);
        return counters;
    }

    private static void EnsureSameCounts(StoreDbContext from, StoreDbContext to)
    {
        var counts = new (string Table, long Source, long Target)[]
        {
            ("Teams", from.Teams.LongCount(), to.Teams.LongCount()),
            ("AspNetUsers", from.Users.LongCount(), to.Users.LongCount()),
            ("AspNetUserClaims", from.UserClaims.LongCount(), to.UserClaims.LongCount()),
            ("AspNetUserLogins", from.UserLogins.LongCount(), to.UserLogins.LongCount()),
            ("AspNetUserTokens", from.UserTokens.LongCount(), to.UserTokens.LongCount()),
            ("Experiments", from.Experiments.LongCount(), to.Experiments.LongCount()),
            ("Runs", from.Runs.LongCount(), to.Runs.LongCount()),
            ("Tags", from.Tags.LongCount(), to.Tags.LongCount()),
            ("Notes", from.Notes.LongCount(), to.Notes.LongCount()),
            ("Evaluations", from.Evaluations.LongCount(), to.Evaluations.LongCount()),
            ("EmbeddingMaps", from.EmbeddingMaps.LongCount(), to.EmbeddingMaps.LongCount()),
            ("Artifacts", from.Artifacts.LongCount(), to.Artifacts.LongCount()),
            ("MetricPoints", from.MetricPoints.LongCount(), to.MetricPoints.LongCount()),
            ("LogLines", from.LogLines.LongCount(), to.LogLines.LongCount()),
        };
        var differ = counts.Where(c => c.Source != c.Target).Select(c => $"{c.Table}: {c.Source} in the source, {c.Target} copied").ToList();
        if (differ.Count > 0)
            throw new InvalidOperationException("store copy: the copy differs from the source (nothing was committed): " + string.Join("; ", differ));
    }
}
