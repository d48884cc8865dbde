using System.Globalization;
using Microsoft.EntityFrameworkCore;
using Npgsql;
using SbirLab.Core.Runs;
using SbirLab.Store.Entities;

namespace SbirLab.Store;

/// <summary>What a worker's heartbeat learns: runs someone asked to stop, and runs it no longer holds (its lease ran out and another process took them).</summary>
public sealed record HeartbeatReply(IReadOnlyList<long> StopRequested, IReadOnlyList<long> Lost)
{
    public static readonly HeartbeatReply None = new([], []);
}

/// <summary>A worker wrote to a run whose lease it lost (another process marked it interrupted, or another worker holds it).</summary>
public sealed class LeaseLostException(long runId, WorkerIdentity worker)
    : InvalidOperationException($"worker {worker.Id} no longer holds run {runId} (its lease ran out); it stops training it")
{
    public long RunId => runId;
}

/// <summary>
/// The queue's claims, for workers on any number of machines. A claim is a lease: the worker holds the run until
/// <see cref="RunRecord.LeaseExpiresAt"/> and renews it with every heartbeat; a run still <c>running</c> past its lease
/// is taken as orphaned by whichever process looks (<see cref="RecoverOrphans"/>: any worker, the lab), whatever host
/// it runs on, and is marked <c>interrupted</c>, to resume from its last checkpoint on any worker. PostgreSQL claims with
/// <c>FOR UPDATE SKIP LOCKED</c> (competing workers never wait on each other's row); SQLite, one file on one machine,
/// with a compare-and-set update. Lease times are on the database's clock (<see cref="DatabaseNow"/>), so workers whose
/// clocks differ compare alike.
/// </summary>
public sealed partial class RunStore
{
    /// <summary>The environment variable that sets <see cref="LeaseDuration"/> in seconds (default 30).</summary>
    public const string LeaseVariable = "SBIRLAB_LEASE_SECONDS";

    private const string PostgresClaimSql = """
        UPDATE "Runs" SET "Status" = @running, "StartedAt" = COALESCE("StartedAt", @now), "HeartbeatAt" = @now,
            "LeaseExpiresAt" = @lease, "FinishedAt" = NULL, "StopRequested" = FALSE, "Attempts" = "Attempts" + 1,
            "WorkerId" = @worker, "WorkerHost" = @host, "WorkerPid" = @pid, "WorkerProcessStart" = @start,
            "WorkerDevice" = @device
        WHERE "Id" = (SELECT "Id" FROM "Runs" WHERE "Id" = ANY(@ready) AND "Status" = @queued ORDER BY "QueuedAt", "Id" LIMIT 1 FOR UPDATE SKIP LOCKED)
        RETURNING "Id"
        """;

    private TimeSpan _clockOffset;

    /// <summary>How long a claim holds without a heartbeat; a worker renews it about twice a second.</summary>
    public TimeSpan LeaseDuration { get; set; } = LeaseFromEnvironment();

    /// <summary>The database's clock as seen from here (PostgreSQL's <c>now()</c>, measured when the store opened; SQLite: this machine's).</summary>
    public DateTime DatabaseNow() => DateTime.UtcNow + _clockOffset;

    /// <summary><see cref="LeaseVariable"/>'s value, else 30 seconds.</summary>
    /// <exception cref="ArgumentException">The variable is not a number of seconds between 1 and 3600.</exception>
    public static TimeSpan LeaseFromEnvironment()
    {
        string? text = Environment.GetEnvironmentVariable(LeaseVariable);
        if (string.IsNullOrWhiteSpace(text)) return TimeSpan.FromSeconds(30);
        if (!double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out double seconds) || seconds is < 0.2 or > 3600)
            throw new ArgumentException($"{LeaseVariable}={text}: the lease in seconds, 0.2 to 3600");
        return TimeSpan.FromSeconds(seconds);
    }

    /// <summary>
    /// Claims the oldest queued run whose input runs have completed (<see cref="RunInputs"/>) for
    /// <paramref name="worker"/>; null when none may start. Safe across processes and machines. On the way it keeps each
    /// waiting run's message current ("waiting for #12") and fails the runs whose input failed, telling
    /// <paramref name="inputFailed"/> (run id, message) of each. With a <paramref name="filter"/> only runs of its queues
    /// whose device kind fits its device are claimed (the run records that device); without one, any run.
    /// </summary>
    public RunRecord? ClaimNext(WorkerIdentity worker, Action<long, string>? inputFailed = null, ClaimFilter? filter = null)
    {
        using var db = CreateContext();
        var ready = ReadyRuns(db, inputFailed, filter);
        if (ready.Count == 0) return null;
        string? device = filter?.Device.Name;
        long? claimed = Provider == StoreProvider.Postgres ? ClaimSkippingLocked(ready, worker, device) : ClaimByCompareAndSet(db, ready, worker, device);
        return claimed is { } id ? db.Runs.AsNoTracking().Single(r => r.Id == id) : null;
    }

    /// <summary>The queued runs whose inputs have completed, oldest first; waiting runs' messages kept current, runs of failed inputs failed.</summary>
    private static List<long> ReadyRuns(StoreDbContext db, Action<long, string>? inputFailed, ClaimFilter? filter)
    {
        var queued = db.Runs.Where(r => r.Status == RunStatus.Queued).OrderBy(r => r.QueuedAt).ThenBy(r => r.Id)
            .Select(r => new { r.Id, r.ConfigJson, r.Message, r.Queue, r.DeviceKind }).ToList();
        var ready = new List<long>();
        foreach (var run in queued) // all of them, so a failure reaches the whole chain at once (in order: a child sees its parent fail)
        {
            var (state, reason) = RunInputs.StateOf(db, RunInputs.Of(db, run.ConfigJson));
            if (state == InputState.Ready) { if (filter is null || filter.Takes(run.Queue, run.DeviceKind)) ready.Add(run.Id); }
            else if (state == InputState.Failed && FailQueued(db, run.Id, reason!)) inputFailed?.Invoke(run.Id, reason!);
            else if (state == InputState.Waiting && reason != run.Message)
                db.Runs.Where(r => r.Id == run.Id && r.Status == RunStatus.Queued).ExecuteUpdate(s => s.SetProperty(r => r.Message, reason));
        }
        return ready;
    }

    /// <summary>PostgreSQL: one statement that locks the oldest ready row no other worker has locked, and takes it.</summary>
    private long? ClaimSkippingLocked(List<long> ready, WorkerIdentity worker, string? device)
    {
        var now = DatabaseNow();
        using var connection = PostgresSetup.OpenConnection(ConnectionString);
        using var command = new NpgsqlCommand(PostgresClaimSql, connection);
        command.Parameters.AddWithValue("ready", ready.ToArray());
        command.Parameters.AddWithValue("running", RunStatus.Running.Text());
        command.Parameters.AddWithValue("queued", RunStatus.Queued.Text());
        command.Parameters.AddWithValue("now", now);
        command.Parameters.AddWithValue("lease", now + LeaseDuration);
        command.Parameters.AddWithValue("worker", worker.Id);
        command.Parameters.AddWithValue("host", worker.Host);
        command.Parameters.AddWithValue("pid", worker.Pid);
        command.Parameters.AddWithValue("start", DateTime.SpecifyKind(worker.ProcessStart, DateTimeKind.Utc));
        command.Parameters.Add(new NpgsqlParameter("device", NpgsqlTypes.NpgsqlDbType.Varchar) { Value = (object?)device ?? DBNull.Value });
        return command.ExecuteScalar() is long id ? id : null;
    }

    /// <summary>SQLite: take the first ready run that is still queued (one writer at a time, so one worker wins each).</summary>
    private long? ClaimByCompareAndSet(StoreDbContext db, List<long> ready, WorkerIdentity worker, string? device)
    {
        foreach (long id in ready)
        {
            var now = DatabaseNow();
            int claimed = db.Runs.Where(r => r.Id == id && r.Status == RunStatus.Queued).ExecuteUpdate(s => s
                .SetProperty(r => r.Status, RunStatus.Running)
                .SetProperty(r => r.StartedAt, r => r.StartedAt ?? now)
                .SetProperty(r => r.HeartbeatAt, now)
                .SetProperty(r => r.LeaseExpiresAt, now + LeaseDuration)
                .SetProperty(r => r.FinishedAt, (DateTime?)null)
                .SetProperty(r => r.StopRequested, false)
                .SetProperty(r => r.Attempts, r => r.Attempts + 1)
                .SetProperty(r => r.WorkerId, worker.Id)
                .SetProperty(r => r.WorkerHost, worker.Host)
                .SetProperty(r => r.WorkerPid, worker.Pid)
                .SetProperty(r => r.WorkerProcessStart, worker.ProcessStart)
                .SetProperty(r => r.WorkerDevice, device));
            if (claimed == 1) return id;
        }
        return null;
    }

    private static bool FailQueued(StoreDbContext db, long id, string message)
    {
        RunTransitions.Ensure(id, RunStatus.Queued, RunStatus.Failed, "failed for its input");
        var now = DateTime.UtcNow;
        return db.Runs.Where(r => r.Id == id && r.Status == RunStatus.Queued).ExecuteUpdate(s => s
            .SetProperty(r => r.Status, RunStatus.Failed)
            .SetProperty(r => r.Message, message)
            .SetProperty(r => r.FinishedAt, now)) == 1;
    }

    /// <summary>
    /// The worker's heartbeat: renews the lease of each of its runs that it still holds and writes their progress;
    /// tells which of them someone asked to stop, and which it lost (no longer running, or held by another worker).
    /// </summary>
    public HeartbeatReply Heartbeat(WorkerIdentity worker, IReadOnlyCollection<RunProgress> runs)
    {
        if (runs.Count == 0) return HeartbeatReply.None;
        using var db = CreateContext();
        var now = DatabaseNow();
        var lease = now + LeaseDuration;
        var lost = new List<long>();
        foreach (var progress in runs)
        {
            int renewed = db.Runs.Where(r => r.Id == progress.RunId && r.Status == RunStatus.Running && r.WorkerId == worker.Id).ExecuteUpdate(s => s
                .SetProperty(r => r.HeartbeatAt, now)
                .SetProperty(r => r.LeaseExpiresAt, lease)
                .SetProperty(r => r.Steps, progress.Steps)
                .SetProperty(r => r.EpochsCompleted, progress.EpochsCompleted));
            if (renewed == 0) lost.Add(progress.RunId);
        }
        var ids = runs.Select(r => r.RunId).Except(lost).ToList();
        var stops = db.Runs.Where(r => ids.Contains(r.Id) && r.StopRequested).Select(r => r.Id).ToList();
        return new HeartbeatReply(stops, lost);
    }

    /// <summary>
    /// Marks <c>interrupted</c> every run still <c>running</c> whose lease has run out (a run from before leases: whose
    /// last heartbeat is older than <see cref="LeaseDuration"/>), on whatever host its worker ran. Each run changes only
    /// if its lease is still the one seen, so a worker renewing at that moment keeps its run. Returns the runs marked.
    /// </summary>
    public IReadOnlyList<long> RecoverOrphans()
    {
        using var db = CreateContext();
        var now = DatabaseNow();
        var legacyCutoff = now - LeaseDuration;
        var expired = db.Runs.AsNoTracking()
            .Where(r => r.Status == RunStatus.Running && (r.LeaseExpiresAt != null ? r.LeaseExpiresAt < now : r.HeartbeatAt == null || r.HeartbeatAt < legacyCutoff))
            .ToList();
        var marked = new List<long>();
        foreach (var run in expired)
        {
            string message = OrphanMessage(run);
            var seenLease = run.LeaseExpiresAt;
            var seenBeat = run.HeartbeatAt;
            int changed = db.Runs.Where(r => r.Id == run.Id && r.Status == RunStatus.Running && r.LeaseExpiresAt == seenLease && r.HeartbeatAt == seenBeat)
                .ExecuteUpdate(s => s
                    .SetProperty(r => r.Status, RunStatus.Interrupted)
                    .SetProperty(r => r.Message, message)
                    .SetProperty(r => r.FinishedAt, now)
                    .SetProperty(r => r.LeaseExpiresAt, (DateTime?)null));
            if (changed == 1) marked.Add(run.Id);
        }
        return marked;
    }

    private static string OrphanMessage(RunRecord run)
    {
        string worker = run.WorkerId ?? $"{run.WorkerHost}:{run.WorkerPid}";
        string renewed = run.HeartbeatAt is { } beat ? beat.ToString("u", CultureInfo.InvariantCulture) : "its start";
        return $"worker {worker} on host {run.WorkerHost} stopped renewing at {renewed}; resume continues from "
            + (run.CheckpointStep is { } step ? $"step {step}" : "the start");
    }

    /// <summary>The run rows still running under <paramref name="holder"/>'s lease (all of them when no holder is named).</summary>
    private static IQueryable<RunRecord> Held(IQueryable<RunRecord> runs, WorkerIdentity? holder) =>
        holder is null ? runs : runs.Where(r => r.Status == RunStatus.Running && r.WorkerId == holder.Id);

    /// <summary>PostgreSQL: how far the server's clock is from this machine's (half the round trip taken as the query's moment).</summary>
    private void MeasureClock(StoreDbContext db)
    {
        if (Provider != StoreProvider.Postgres) return;
        var before = DateTime.UtcNow;
        var server = db.Database.SqlQueryRaw<DateTime>("SELECT now() AS \"Value\"").AsEnumerable().Single();
        var after = DateTime.UtcNow;
        _clockOffset = server.ToUniversalTime() - (before + (after - before) / 2);
    }
}
