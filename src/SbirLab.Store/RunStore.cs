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
/// through <see cref="Writer"/> in batches. The queue's claims and their leases are in RunStore.Leases.cs.
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
        CacheFolder.Current = new(data.CacheRoot, CacheFolder.BudgetFromEnvironment());
        var store = new RunStore(data, connection ?? StoreConnection.Sqlite(data));
        using var db = store.CreateContext();
        bool existed = DatabaseIdentity.DatabaseExists(data, store.Connection, db);
        db.Database.Migrate();
        if (store.Provider == StoreProvider.Sqlite) db.Database.ExecuteSqlRaw("PRAGMA journal_mode=WAL;");
        store.Identity = DatabaseIdentity.Establish(data, store.Connection, db, existed);
        store.MeasureClock(db);
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

    // ---- queue ------------------------------------------------------------------------------

    /// <summary>Queues a validated config; returns the new run's id. Tags are the config's plus <paramref name="options"/>'s.</summary>
    public long Queue(RunConfig config, RunOptions? options = null)
    {
        EnsureValid(config);
        EnsureQueueRoom(team: null);
        var tags = config.Tags.Concat(options?.Tags ?? []).ToList();
        using var db = CreateContext();
        config = RunInputs.Pin(db, config);
        long id = QueueJson(ConfigJson.Serialize(config), options?.Name ?? config.Name, config.Seed, (options ?? new RunOptions()) with { Tags = tags });
        var (state, reason) = RunInputs.StateOf(db, RunInputs.Of(db, ConfigJson.Serialize(config)));
        if (state == InputState.Waiting) db.Runs.Where(r => r.Id == id).ExecuteUpdate(s => s.SetProperty(r => r.Message, reason));
        return id;
    }

    /// <summary>Throws <see cref="LimitExceededException"/> when the queue has no room for <paramref name="runs"/> more runs.</summary>
    public void EnsureQueueRoom(string? team, int runs = 1)
    {
        int limit = Data.Limits.QueuedRunsFor(team);
        using var db = CreateContext();
        int queued = db.Runs.Count(r => r.Status == RunStatus.Queued);
        if (queued + runs > limit)
            throw new LimitExceededException($"the queue already holds {queued} runs and the limit is {limit} ({HostLimits.QueuedVariable}){(runs > 1 ? $": no room for {runs} more" : "")}; wait for runs to finish or stop queued ones");
    }

    /// <summary>The validator's checks (with this lab's limits) plus this store's: every run the weight fields name exists.</summary>
    private void EnsureValid(RunConfig config)
    {
        var errors = ConfigValidator.Validate(config, Data.Limits).Concat(new RunReferenceResolver(this).Check(config, mustBeCompleted: false)).ToList();
        if (errors.Count > 0) throw new ConfigException(errors);
    }

    /// <summary>Queues config text as given, unchecked; the worker validates it when the run starts.</summary>
    internal long QueueJson(string configJson, string name, int seed, RunOptions? options = null) =>
        Insert(configJson, name, seed, options, null).Id;

    /// <summary>
    /// Records a validated config as a run that <paramref name="worker"/> runs right away (the command
    /// line's <c>train</c>), never passing through the queue.
    /// </summary>
    public RunRecord CreateRunning(RunConfig config, WorkerIdentity worker, RunOptions? options = null)
    {
        EnsureValid(config);
        var tags = config.Tags.Concat(options?.Tags ?? []).ToList();
        using (var db = CreateContext()) config = RunInputs.Pin(db, config);
        return Insert(ConfigJson.Serialize(config), options?.Name ?? config.Name, config.Seed,
            (options ?? new RunOptions()) with { Tags = tags }, worker);
    }

    private RunRecord Insert(string configJson, string name, int seed, RunOptions? options, WorkerIdentity? runningOn)
    {
        using var db = CreateContext();
        var now = DatabaseNow(); // the database's clock: the queue is served in one order whichever machine queued
        var run = new RunRecord
        {
            Name = name,
            ConfigJson = configJson,
            Status = RunStatus.Queued,
            Seed = seed,
            CreatedAt = now,
            QueuedAt = now,
            ParentRunId = options?.ParentRunId,
            TeamId = options?.TeamId ?? Team.DefaultId,
            ExperimentId = options?.Experiment is { Length: > 0 } experiment ? ExperimentId(db, experiment) : null,
        };
        (run.Queue, run.DeviceKind) = PlacementOf(configJson);
        foreach (var tag in (options?.Tags ?? []).Where(t => t.Length > 0).Distinct(StringComparer.Ordinal))
            run.Tags.Add(new RunTag { Name = tag });
        if (runningOn is not null)
        {
            run.Status = RunStatus.Running;
            run.StartedAt = run.HeartbeatAt = DatabaseNow();
            run.LeaseExpiresAt = run.HeartbeatAt + LeaseDuration;
            run.Attempts = 1;
            run.WorkerId = runningOn.Id;
            (run.WorkerHost, run.WorkerPid, run.WorkerProcessStart) = (runningOn.Host, runningOn.Pid, runningOn.ProcessStart);
        }
        db.Runs.Add(run);
        db.SaveChanges();
        run.Folder = DataFolder.RelativeRunPath(run.Id);
        db.SaveChanges();
        return run;
    }

    /// <summary>Puts a stopped or interrupted run back in the queue; it will resume from its last checkpoint.</summary>
    /// <exception cref="InvalidOperationException">The run is in another state.</exception>
    public void Requeue(long runId)
    {
        using var db = CreateContext();
        var run = db.Runs.Find(runId) ?? throw NotFound(runId);
        RunTransitions.Ensure(runId, run.Status, RunStatus.Queued, "resumed");
        run.Status = RunStatus.Queued;
        run.QueuedAt = DatabaseNow();
        run.StopRequested = false;
        run.Message = run.CheckpointStep is { } step ? $"queued to resume from step {step}" : "queued to restart (no checkpoint yet)";
        db.SaveChanges();
    }

    /// <summary>
    /// Asks a run to stop: a queued run is stopped at once, a running one gets the stop flag that its
    /// worker polls. Returns the status after the request.
    /// </summary>
    public RunStatus RequestStop(long runId)
    {
        using var db = CreateContext();
        var run = db.Runs.Find(runId) ?? throw NotFound(runId);
        switch (run.Status)
        {
            case RunStatus.Queued:
                run.Status = RunStatus.Stopped;
                run.Message = "stopped before it started";
                run.FinishedAt = DateTime.UtcNow;
                break;
            case RunStatus.Running:
                run.StopRequested = true;
                break;
        }
        db.SaveChanges();
        return run.Status;
    }

    // ---- a running run ----------------------------------------------------------------------

    /// <summary>Records where training (re)starts and on which device (only while <paramref name="holder"/>, when given, holds the run).</summary>
    /// <exception cref="LeaseLostException">Another worker holds the run now.</exception>
    public void MarkStarted(long runId, RunStart start, WorkerIdentity? holder = null)
    {
        using var db = CreateContext();
        int changed = Held(db.Runs.Where(r => r.Id == runId), holder).ExecuteUpdate(s => s
            .SetProperty(r => r.Device, start.Device)
            .SetProperty(r => r.TotalSteps, start.TotalSteps)
            .SetProperty(r => r.Epochs, start.Epochs)
            .SetProperty(r => r.Steps, start.StartStep)
            .SetProperty(r => r.Message, start.StartStep > 0 ? $"resumed at step {start.StartStep}" : null));
        if (changed == 0 && holder is not null) throw new LeaseLostException(runId, holder);
    }

    /// <summary>Records where and with what the run runs: code commit and dirty tree, package versions, host.</summary>
    public void RecordProvenance(long runId, RunProvenance provenance)
    {
        string packages = provenance.PackagesJson;
        using var db = CreateContext();
        db.Runs.Where(r => r.Id == runId).ExecuteUpdate(s => s
            .SetProperty(r => r.CodeCommit, provenance.CodeCommit)
            .SetProperty(r => r.CodeDirty, provenance.CodeDirty)
            .SetProperty(r => r.PackageVersions, packages)
            .SetProperty(r => r.Host, provenance.Host));
    }

    /// <summary>
    /// Deletes what an earlier attempt stored past the point a (re)start continues from: step points at or
    /// after <paramref name="startStep"/>, epoch points of epochs at or after <paramref name="startEpoch"/>,
    /// and evaluations of those epochs, so that nothing is counted twice.
    /// </summary>
    /// <exception cref="LeaseLostException"><paramref name="holder"/> (when given) no longer holds the run: nothing is deleted.</exception>
    public int DeleteMetricsFrom(long runId, long startStep, int startEpoch, WorkerIdentity? holder = null)
    {
        using var db = CreateContext();
        if (holder is not null && !Held(db.Runs.Where(r => r.Id == runId), holder).Any()) throw new LeaseLostException(runId, holder);
        int steps = db.MetricPoints.Where(p => p.RunId == runId && p.Kind == MetricKind.Step && p.Step >= startStep).ExecuteDelete();
        int epochs = db.MetricPoints.Where(p => p.RunId == runId && p.Kind == MetricKind.Epoch && p.Epoch >= startEpoch).ExecuteDelete();
        db.Evaluations.Where(e => e.RunId == runId && e.Epoch >= startEpoch).ExecuteDelete();
        return steps + epochs;
    }

    /// <summary>Records the checkpoint a resume would start from, and lists the file as an artifact (only while <paramref name="holder"/>, when given, holds the run).</summary>
    /// <exception cref="LeaseLostException">Another worker holds the run now.</exception>
    public void RecordCheckpoint(long runId, CheckpointInfo checkpoint, WorkerIdentity? holder = null)
    {
        using var db = CreateContext();
        int changed = Held(db.Runs.Where(r => r.Id == runId), holder).ExecuteUpdate(s => s
            .SetProperty(r => r.CheckpointPath, Data.ArtifactRelative(checkpoint.Path))
            .SetProperty(r => r.CheckpointEpoch, checkpoint.Epoch)
            .SetProperty(r => r.CheckpointBatch, checkpoint.BatchInEpoch)
            .SetProperty(r => r.CheckpointStep, checkpoint.Step));
        if (changed == 0 && holder is not null) throw new LeaseLostException(runId, holder);
        UpsertArtifact(db, runId, "checkpoint", checkpoint.Path);
    }

    /// <summary>The checkpoint a resume starts from, with its path made absolute; null when none was saved.</summary>
    public CheckpointInfo? LastCheckpoint(RunRecord run) =>
        run.CheckpointPath is { } path && run.CheckpointStep is { } step
            ? new CheckpointInfo(Data.Artifact(path), run.CheckpointEpoch ?? 0, run.CheckpointBatch ?? 0, step)
            : null;

    /// <summary>
    /// Records how a run ended. Only a run that is running changes, and when <paramref name="worker"/> is given only while
    /// that worker holds it, so a late report cannot undo a delete, a restart, or another worker's claim after a lost lease.
    /// </summary>
    public void Finish(long runId, RunStatus status, string message, RunOutcome? outcome = null, WorkerIdentity? worker = null)
    {
        using var db = CreateContext();
        var run = db.Runs.Find(runId);
        if (run is null || run.Status != RunStatus.Running) return;
        if (worker is not null && run.WorkerId is { } holder && holder != worker.Id) return;
        RunTransitions.Ensure(runId, run.Status, status, "ended as " + status.Text());
        run.Status = status;
        run.Message = message;
        run.FinishedAt = DateTime.UtcNow;
        run.HeartbeatAt = run.FinishedAt;
        run.LeaseExpiresAt = null;
        run.StopRequested = false;
        if (outcome is not null)
        {
            run.Steps = outcome.Steps;
            run.EpochsCompleted = outcome.EpochsCompleted;
        }
        db.SaveChanges();
        if (outcome?.LastCheckpoint is { } checkpoint) RecordCheckpoint(runId, checkpoint);
    }

    // ---- evaluations, artifacts, tags, notes --------------------------------------------------

    /// <summary>Stores an evaluation report (the engine's eval.json text) for the run.</summary>
    public long AddEvaluation(long runId, string reportJson, int? epoch = null, long? step = null)
    {
        var parts = EvaluationParts.Split(reportJson);
        using var db = CreateContext();
        var record = new EvaluationRecord
        {
            RunId = runId,
            Epoch = epoch,
            Step = step,
            CreatedAt = DateTime.UtcNow,
            ReportJson = reportJson,
            SummaryJson = parts.Summary,
            CurvesJson = parts.Curves,
            RankedExamplesJson = parts.RankedExamples,
            EmbeddingMapJson = parts.EmbeddingMap,
        };
        db.Evaluations.Add(record);
        db.SaveChanges();
        return record.Id;
    }

    /// <summary>Lists the run folder's checkpoints, pictures, embeddings and reports as artifacts.</summary>
    public int RegisterArtifacts(long runId)
    {
        var folder = Data.RunFolder(runId);
        if (!Directory.Exists(folder.Root)) return 0;
        using var db = CreateContext();
        int count = 0;
        foreach (var (kind, dir, pattern) in new[]
                 {
                     ("checkpoint", folder.Checkpoints, "*"), ("picture", folder.Pictures, "*"),
                     ("embedding", folder.Embeddings, "*"), ("report", folder.Root, "eval*.json"),
                 })
        {
            if (!Directory.Exists(dir)) continue;
            foreach (var file in Directory.EnumerateFiles(dir, pattern).Where(f => !AtomicFile.IsTemporary(f))) // not a file still being written
            {
                UpsertArtifact(db, runId, kind, file);
                count++;
            }
        }
        return count;
    }

    private void UpsertArtifact(StoreDbContext db, long runId, string kind, string path)
    {
        string relative = Data.ArtifactRelative(path);
        long size = File.Exists(path) ? new FileInfo(path).Length : 0;
        var existing = db.Artifacts.FirstOrDefault(a => a.RunId == runId && a.Path == relative);
        if (existing is null)
            db.Artifacts.Add(new Artifact { RunId = runId, Kind = kind, Path = relative, SizeBytes = size, CreatedAt = DateTime.UtcNow });
        else
            existing.SizeBytes = size;
        db.SaveChanges();
    }

    public void AddTag(long runId, string tag)
    {
        using var db = CreateContext();
        if (db.Tags.Any(t => t.RunId == runId && t.Name == tag)) return;
        db.Tags.Add(new RunTag { RunId = runId, Name = tag });
        db.SaveChanges();
    }

    public void RemoveTag(long runId, string tag)
    {
        using var db = CreateContext();
        db.Tags.Where(t => t.RunId == runId && t.Name == tag).ExecuteDelete();
    }

    public void AddNote(long runId, string text)
    {
        using var db = CreateContext();
        db.Notes.Add(new RunNote { RunId = runId, Text = text, CreatedAt = DateTime.UtcNow });
        db.SaveChanges();
    }

    // ---- reading ----------------------------------------------------------------------------

    /// <summary>One run with its experiment, tags and notes; null when there is none with that id.</summary>
    public RunRecord? Find(long runId)
    {
        using var db = CreateContext();
        return db.Runs.AsNoTracking().Include(r => r.Experiment).Include(r => r.Team).Include(r => r.Tags).Include(r => r.Notes)
            .SingleOrDefault(r => r.Id == runId);
    }

    /// <summary>Runs, newest first.</summary>
    public IReadOnlyList<RunRecord> List(RunQuery? query = null)
    {
        using var db = CreateContext();
        IQueryable<RunRecord> runs = db.Runs.AsNoTracking().Include(r => r.Experiment).Include(r => r.Team).Include(r => r.Tags);
        if (query?.ReadableBy is { } caller) runs = Access.Readable(runs, caller);
        if (query?.Status is { } status) runs = runs.Where(r => r.Status == status);
        if (query?.Experiment is { } experiment) runs = runs.Where(r => r.Experiment != null && r.Experiment.Name == experiment);
        if (query?.Tag is { } tag) runs = runs.Where(r => r.Tags.Any(t => t.Name == tag));
        if (query?.Ids is { } ids) runs = runs.Where(r => ids.Contains(r.Id));
        runs = runs.OrderByDescending(r => r.Id);
        if (query?.Limit is { } limit) runs = runs.Take(limit);
        return runs.ToList();
    }

    /// <summary>Metric points of a run in (kind, name, step) order; <paramref name="afterId"/> returns only newer rows (for polling).</summary>
    public IReadOnlyList<MetricPoint> Metrics(long runId, MetricKind? kind = null, string? name = null, long afterId = 0)
    {
        using var db = CreateContext();
        var points = db.MetricPoints.AsNoTracking().Where(p => p.RunId == runId && p.Id > afterId);
        if (kind is { } k) points = points.Where(p => p.Kind == k);
        if (name is not null) points = points.Where(p => p.Name == name);
        return points.OrderBy(p => p.Kind).ThenBy(p => p.Name).ThenBy(p => p.Step).ThenBy(p => p.Id).ToList();
    }

    /// <summary>
    /// One metric of a run as two arrays in x order, read without entities (the charts' fast path): x is the step
    /// for step metrics and the 1-based epoch number for epoch metrics; a NaN value reads as NaN. Where an
    /// earlier attempt left a point at the same x, the newer one counts (as <see cref="DeleteMetricsFrom"/> intends).
    /// </summary>
    public (double[] X, double[] Y) Series(long runId, MetricKind kind, string name)
    {
        // Plain SQL over the connection (quoted names read the same on SQLite and PostgreSQL): a 100,000-step curve
        // reads in about half the time EF Core's materialisation takes, which a compare of 50 runs pays 50 times.
        string order = kind == MetricKind.Step ? "\"Step\"" : "\"Epoch\"";
        using var db = CreateContext();
        var connection = db.Database.GetDbConnection();
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = $"SELECT \"Step\", \"Epoch\", \"Value\" FROM \"MetricPoints\" WHERE \"RunId\" = @run AND \"Kind\" = @kind AND \"Name\" = @name ORDER BY {order}, \"Id\"";
        Parameter(command, "@run", runId);
        Parameter(command, "@kind", (int)kind);
        Parameter(command, "@name", name);
        var (x, y) = (new List<double>(), new List<double>());
        using var reader = command.ExecuteReader();
        while (reader.Read())
        {
            double key = kind == MetricKind.Step ? reader.GetInt64(0) : reader.GetInt32(1) + 1;
            double value = reader.IsDBNull(2) ? double.NaN : reader.GetDouble(2);
            if (x.Count > 0 && x[^1] == key) y[^1] = value;
            else
            {
                x.Add(key);
                y.Add(value);
            }
        }
        return ([.. x], [.. y]);
    }

    private static void Parameter(System.Data.Common.DbCommand command, string name, object value)
    {
        var parameter = command.CreateParameter();
        parameter.ParameterName = name;
        parameter.Value = value;
        command.Parameters.Add(parameter);
    }

    /// <summary>
    /// The metric names a run logged of one kind, in name order: one index seek per name (the next name after the
    /// last found), never a scan of the run's points.
    /// </summary>
    public IReadOnlyList<string> MetricNames(long runId, MetricKind kind)
    {
        using var db = CreateContext();
        var names = new List<string>();
        for (string after = ""; ;)
        {
            string? next = db.MetricPoints.Where(p => p.RunId == runId && p.Kind == kind && string.Compare(p.Name, after) > 0)
                .OrderBy(p => p.Name).Select(p => p.Name).FirstOrDefault();
            if (next is null) return names;
            names.Add(next);
            after = next;
        }
    }

    /// <summary>The last value of every metric name of a kind (the final loss, the last epoch's mAP, ...).</summary>
    public IReadOnlyDictionary<string, double> LatestMetrics(long runId, MetricKind kind)
    {
        using var db = CreateContext();
        var latest = db.MetricPoints.AsNoTracking()
            .Where(p => p.RunId == runId && p.Kind == kind)
            .GroupBy(p => p.Name)
            .Select(g => g.OrderByDescending(p => p.Step).ThenByDescending(p => p.Id).First())
            .ToList();
        return latest.ToDictionary(p => p.Name, p => p.Value ?? double.NaN);
    }

    /// <summary>The newest metric point id and log line id of a run (0 when none): where a follower starts reading.</summary>
    public (long MetricId, long LogId) LatestIds(long runId)
    {
        using var db = CreateContext();
        long metric = db.MetricPoints.Where(p => p.RunId == runId).Max(p => (long?)p.Id) ?? 0;
        long log = db.LogLines.Where(l => l.RunId == runId).Max(l => (long?)l.Id) ?? 0;
        return (metric, log);
    }

    public IReadOnlyList<LogLine> Log(long runId, long afterId = 0, int? tail = null)
    {
        using var db = CreateContext();
        var lines = db.LogLines.AsNoTracking().Where(l => l.RunId == runId && l.Id > afterId);
        if (tail is { } n) return lines.OrderByDescending(l => l.Id).Take(n).AsEnumerable().Reverse().ToList();
        return lines.OrderBy(l => l.Id).ToList();
    }

    public IReadOnlyList<EvaluationRecord> Evaluations(long runId)
    {
        using var db = CreateContext();
        return db.Evaluations.AsNoTracking().Where(e => e.RunId == runId).OrderBy(e => e.Id).ToList();
    }

    public IReadOnlyList<Artifact> Artifacts(long runId)
    {
        using var db = CreateContext();
        return db.Artifacts.AsNoTracking().Where(a => a.RunId == runId).OrderBy(a => a.Kind).ThenBy(a => a.Path).ToList();
    }

    /// <summary>The stored config of a run, read without validation (a stored run keeps what it ran with).</summary>
    public RunConfig Config(long runId)
    {
        var run = Find(runId) ?? throw NotFound(runId);
        return ConfigJson.ParseUnvalidated(run.ConfigJson);
    }

    // ---- deleting ---------------------------------------------------------------------------

    /// <summary>Deletes a run's rows and its folder. A running run must be stopped first.</summary>
    public void Delete(long runId)
    {
        using var db = CreateContext();
        var run = db.Runs.Find(runId) ?? throw NotFound(runId);
        if (!RunTransitions.CanDelete(run.Status))
            throw new InvalidOperationException($"run {runId} is {run.Status.Text()}; stop it first");
        db.Runs.Where(r => r.ParentRunId == runId).ExecuteUpdate(s => s.SetProperty(r => r.ParentRunId, (long?)null));
        db.MetricPoints.Where(p => p.RunId == runId).ExecuteDelete();
        db.LogLines.Where(l => l.RunId == runId).ExecuteDelete();
        db.Runs.Where(r => r.Id == runId).ExecuteDelete();
        var folder = Data.Artifact(run.Folder);
        if (run.Folder.Length > 0 && Directory.Exists(folder)) Directory.Delete(folder, recursive: true);
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
