using Microsoft.Data.Sqlite;
using Npgsql;
using NpgsqlTypes;
using SbirLab.Store.Entities;

namespace SbirLab.Store;

/// <summary>A metric point or a log line waiting in <see cref="MetricWriter"/>'s queue.</summary>
internal readonly record struct PendingWrite(
    long RunId, bool IsLog, MetricKind Kind, long Step, int Epoch, string Text, double Value, DateTime Time)
{
    /// <summary>The value as stored: NaN as null (SQLite cannot store NaN as a number; PostgreSQL does the same so both read alike).</summary>
    public object StoredValue => double.IsNaN(Value) ? DBNull.Value : Value;
}

/// <summary>
/// Where <see cref="MetricWriter"/> commits a batch: one open connection of one provider. <see cref="Commit"/> writes
/// the batch in one transaction and returns the rows the database refused (a run deleted meanwhile); any other
/// failure throws, and the writer retries the batch on a new connection.
/// </summary>
internal interface IBatchSink : IDisposable
{
    int Commit(List<PendingWrite> batch);

    static IBatchSink Open(StoreConnection connection) => connection.Provider == StoreProvider.Sqlite
        ? new SqliteBatchSink(connection.ConnectionString)
        : new PostgresBatchSink(connection.ConnectionString);
}

/// <summary>SQLite: two prepared inserts, reused for every row, in one transaction.</summary>
internal sealed class SqliteBatchSink : IBatchSink
{
    private const string InsertMetricSql =
        "INSERT INTO MetricPoints (RunId, Kind, Step, Epoch, Name, Value) VALUES ($run, $kind, $step, $epoch, $name, $value)";
    private const string InsertLogSql = "INSERT INTO LogLines (RunId, Time, Text) VALUES ($run, $time, $text)";
    private const int ConstraintFailed = 19; // SQLITE_CONSTRAINT

    private readonly SqliteConnection _connection;
    private readonly SqliteCommand _metric;
    private readonly SqliteCommand _log;

    public SqliteBatchSink(string connectionString)
    {
        _connection = SqliteSetup.OpenConnection(connectionString);
        _metric = _connection.CreateCommand();
        _metric.CommandText = InsertMetricSql;
        foreach (var name in new[] { "$run", "$kind", "$step", "$epoch", "$name", "$value" })
            _metric.Parameters.Add(new SqliteParameter { ParameterName = name });
        _log = _connection.CreateCommand();
        _log.CommandText = InsertLogSql;
        foreach (var name in new[] { "$run", "$time", "$text" })
            _log.Parameters.Add(new SqliteParameter { ParameterName = name });
    }

    public int Commit(List<PendingWrite> batch)
    {
        try
        {
            using var transaction = Begin();
            foreach (var item in batch) Write(item);
            transaction.Commit();
            return 0;
        }
        catch (SqliteException e) when (e.SqliteErrorCode == ConstraintFailed)
        {
            return CommitRowByRow(batch); // find and drop the refused rows
        }
    }

    private int CommitRowByRow(List<PendingWrite> batch)
    {
        int dropped = 0;
        using var transaction = Begin();
        foreach (var item in batch)
        {
            try { Write(item); }
            catch (SqliteException e) when (e.SqliteErrorCode == ConstraintFailed) { dropped++; }
        }
        transaction.Commit();
        return dropped;
    }

    private SqliteTransaction Begin()
    {
        var transaction = _connection.BeginTransaction();
        _metric.Transaction = transaction;
        _log.Transaction = transaction;
        return transaction;
    }

    private void Write(in PendingWrite item)
    {
        if (item.IsLog)
        {
            _log.Parameters[0].Value = item.RunId;
            _log.Parameters[1].Value = item.Time;
            _log.Parameters[2].Value = item.Text;
            _log.ExecuteNonQuery();
            return;
        }
        _metric.Parameters[0].Value = item.RunId;
        _metric.Parameters[1].Value = (int)item.Kind;
        _metric.Parameters[2].Value = item.Step;
        _metric.Parameters[3].Value = item.Epoch;
        _metric.Parameters[4].Value = item.Text;
        _metric.Parameters[5].Value = item.StoredValue;
        _metric.ExecuteNonQuery();
    }

    public void Dispose()
    {
        _metric.Dispose();
        _log.Dispose();
        _connection.Dispose();
    }
}

/// <summary>
/// PostgreSQL: binary COPY of the batch's points and lines in one transaction (tens of thousands of rows in one round
/// trip). COPY takes all rows or none, so when a run was deleted meanwhile (a foreign key refuses its rows), the rows
/// of runs that no longer exist are dropped and the rest copied again.
/// </summary>
internal sealed class PostgresBatchSink(string connectionString) : IBatchSink
{
    private const string CopyMetrics = "COPY \"MetricPoints\" (\"RunId\", \"Kind\", \"Step\", \"Epoch\", \"Name\", \"Value\") FROM STDIN (FORMAT BINARY)";
    private const string CopyLogs = "COPY \"LogLines\" (\"RunId\", \"Time\", \"Text\") FROM STDIN (FORMAT BINARY)";

    private readonly NpgsqlConnection _connection = OpenWithoutWaitingForFsync(connectionString);

    public int Commit(List<PendingWrite> batch)
    {
        try
        {
            Copy(batch);
            return 0;
        }
        catch (PostgresException e) when (e.SqlState == PostgresErrorCodes.ForeignKeyViolation)
        {
            var existing = ExistingRuns(batch.Select(b => b.RunId).Distinct().ToArray());
            var kept = batch.Where(b => existing.Contains(b.RunId)).ToList();
            if (kept.Count > 0) Copy(kept);
            return batch.Count - kept.Count;
        }
    }

    private void Copy(List<PendingWrite> batch)
    {
        using var transaction = _connection.BeginTransaction();
        if (batch.Any(b => !b.IsLog))
        {
            using var metrics = _connection.BeginBinaryImport(CopyMetrics);
            foreach (var item in batch.Where(b => !b.IsLog))
            {
                metrics.StartRow();
                metrics.Write(item.RunId, NpgsqlDbType.Bigint);
                metrics.Write((int)item.Kind, NpgsqlDbType.Integer);
                metrics.Write(item.Step, NpgsqlDbType.Bigint);
                metrics.Write(item.Epoch, NpgsqlDbType.Integer);
                metrics.Write(item.Text, NpgsqlDbType.Text);
                if (double.IsNaN(item.Value)) metrics.WriteNull();
                else metrics.Write(item.Value, NpgsqlDbType.Double);
            }
            metrics.Complete();
        }
        if (batch.Any(b => b.IsLog))
        {
            using var logs = _connection.BeginBinaryImport(CopyLogs);
            foreach (var item in batch.Where(b => b.IsLog))
            {
                logs.StartRow();
                logs.Write(item.RunId, NpgsqlDbType.Bigint);
                logs.Write(item.Time.Kind == DateTimeKind.Local ? item.Time.ToUniversalTime() : DateTime.SpecifyKind(item.Time, DateTimeKind.Utc), NpgsqlDbType.TimestampTz);
                logs.Write(item.Text, NpgsqlDbType.Text);
            }
            logs.Complete();
        }
        using (var notify = new NpgsqlCommand(RunChangeFeed.NotifyPointsSql, _connection, transaction))
        {
            notify.Parameters.AddWithValue("runs", batch.Select(b => b.RunId).Distinct().ToArray());
            notify.ExecuteNonQuery(); // delivered to the listeners (RunChangeFeed) when the batch commits, and only then
        }
        transaction.Commit();
    }

    /// <summary>
    /// This connection's commits do not wait for the server's disk flush (<c>synchronous_commit = off</c>): a server crash
    /// may lose the last fraction of a second of points, never corrupt them, the same trade as SQLite's
    /// <c>synchronous=NORMAL</c> (see <see cref="SqliteSetup"/>). Checkpoints and statuses go through other connections.
    /// </summary>
    private static NpgsqlConnection OpenWithoutWaitingForFsync(string connectionString)
    {
        var connection = PostgresSetup.OpenConnection(connectionString);
        using var command = new NpgsqlCommand("SET synchronous_commit = off", connection);
        command.ExecuteNonQuery();
        return connection;
    }

    private HashSet<long> ExistingRuns(long[] ids)
    {
        using var command = new NpgsqlCommand("SELECT \"Id\" FROM \"Runs\" WHERE \"Id\" = ANY(@ids)", _connection);
        command.Parameters.AddWithValue("ids", ids);
        using var reader = command.ExecuteReader();
        var found = new HashSet<long>();
        while (reader.Read()) found.Add(reader.GetInt64(0));
        return found;
    }

    public void Dispose() => _connection.Dispose();
}
