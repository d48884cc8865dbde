using Microsoft.EntityFrameworkCore;
using SbirLab.Core.Configs;
using SbirLab.Core.Runs;
using SbirLab.Store.Accounts;
using SbirLab.Store.Entities;

namespace SbirLab.Store;

/// <summary>The queue and a run's lifecycle: queueing, starting, checkpoints, finishing, requeueing, stopping and deleting; every status change is checked against <see cref="RunTransitions"/>.</summary>
public sealed partial class RunStore
{
    // ---- queue ------------------------------------------------------------------------------

    /// <summary>Queues a validated config; returns the new run's id. Tags are the config's plus <paramref name="options"/>'s.</summary>
    public long Queue(RunConfig config, RunOptions? options = null)
    {
        using var db = CreateContext();
        var errors = Problems(db, config);
        if (errors.Count > 0) throw new ConfigException(errors);
        EnsureQueueRoom(db, team: null, runs: 1);
        return QueueChecked(db, config, options ?? new RunOptions());
    }

    /// <summary>
    /// Queues a run chain in order, in one transaction: every run of it is queued or none is. Each run's config is
    /// checked once, at this boundary, with its references to earlier runs of the chain pinned to the ids those runs
    /// were just given ("#12", so it waits for exactly the run queued with it); a reference to any other run must name
    /// a run of the store. Every run is tagged with <see cref="Pipeline.Tag"/> besides its own and
    /// <paramref name="options"/>'s tags; the runs keep their names (<see cref="RunOptions.Name"/> must be null).
    /// Returns the ids in the chain's order. Throws <see cref="ConfigException"/> naming each problem's run and field
    /// (<c>runs[2].loss.margin</c>), <see cref="LimitExceededException"/> when the queue has no room for the whole chain.
    /// </summary>
    public IReadOnlyList<long> QueueChain(Pipeline pipeline, RunOptions? options = null)
    {
        options ??= new RunOptions();
        if (options.Name is not null) throw new ArgumentException("a pipeline's runs keep their own names (later runs refer to earlier ones by name)", nameof(options));
        if (pipeline.Runs.Count == 0) throw new ConfigException([new ConfigError(Pipeline.RunsField, "[]", "a non-empty array of run configs")]);
        // A chain whose runs name later ones cannot be pinned: refused with each run's own problems, before any insert.
        if (pipeline.LinkErrors().Count > 0) throw new ConfigException(pipeline.Validate(Data.Limits));
        options = options with { Tags = [.. options.Tags ?? [], pipeline.Tag] };
        using var db = CreateContext();
        using var transaction = db.Database.BeginTransaction();
        EnsureQueueRoom(db, TeamName(db, options.TeamId), pipeline.Runs.Count);
        var ids = new List<long?>();
        var errors = new List<ConfigError>();
        for (int i = 0; i < pipeline.Runs.Count; i++)
        {
            var (config, unpinned) = WithEarlierRunsPinned(pipeline, i, ids);
            // A reference to an earlier run that was refused is that run's problem, reported once, under its own index.
            var problems = Problems(db, config).Where(e => !unpinned.Contains(e.Field)).ToList();
            errors.AddRange(Pipeline.Prefixed(i, problems));
            ids.Add(errors.Count == 0 ? QueueChecked(db, config, options) : null);
        }
        if (errors.Count > 0) throw new ConfigException(errors); // disposing the transaction rolls back the runs inserted so far
        transaction.Commit();
        return ids.Select(id => id!.Value).ToList();
    }

    /// <summary>Run <paramref name="index"/> of the chain with its references to earlier runs pinned to their ids, and the fields whose earlier run was not queued.</summary>
    private static (RunConfig Config, HashSet<string> Unpinned) WithEarlierRunsPinned(Pipeline pipeline, int index, IReadOnlyList<long?> ids)
    {
        var unpinned = new HashSet<string>(StringComparer.Ordinal);
        var config = RunReferences.Rewrite(pipeline.Runs[index], (field, reference) =>
        {
            int earlier = pipeline.StepNamed(reference, index);
            if (earlier < 0) return reference; // a run of the store
            if (ids[earlier] is { } id) return "#" + id.ToString(System.Globalization.CultureInfo.InvariantCulture);
            unpinned.Add(field);
            return reference;
        });
        return (config, unpinned);
    }

    /// <summary>Throws <see cref="LimitExceededException"/> when the queue has no room for <paramref name="runs"/> more runs.</summary>
    public void EnsureQueueRoom(string? team, int runs = 1)
    {
        using var db = CreateContext();
        EnsureQueueRoom(db, team, runs);
    }

    private void EnsureQueueRoom(StoreDbContext db, string? team, int runs)
    {
        int limit = Data.Limits.QueuedRunsFor(team);
        int queued = db.Runs.Count(r => r.Status == RunStatus.Queued);
        if (queued + runs > limit)
            throw new LimitExceededException($"the queue already holds {queued} runs and the limit is {limit} ({HostLimits.QueuedVariable}){(runs > 1 ? $": no room for {runs} more" : "")}; wait for runs to finish or stop queued ones");
    }

    private static string? TeamName(StoreDbContext db, long? teamId) =>
        teamId is null ? null : db.Teams.Where(t => t.Id == teamId).Select(t => t.Name).FirstOrDefault();

    /// <summary>
    /// The queue's validation boundary, which every front end passes (web form, command line, sweeps, pipelines): the
    /// validator's checks (with this lab's limits) plus this store's: every run the weight fields name exists in
    /// <paramref name="db"/> (a chain's transaction sees the runs it has inserted). The other boundary is the start of
    /// execution (<see cref="ConfigValidator.ForStart"/>, in the run service).
    /// </summary>
    private List<ConfigError> Problems(StoreDbContext db, RunConfig config) =>
        [.. ConfigValidator.Validate(config, Data.Limits), .. RunReferenceResolver.Check(db, config, mustBeCompleted: false)];

    /// <summary>Inserts a checked config as a queued run, its references by name pinned to run ids, its message saying what it waits for.</summary>
    private long QueueChecked(StoreDbContext db, RunConfig config, RunOptions options)
    {
        config = RunInputs.Pin(db, config);
        string json = ConfigJson.Serialize(config);
        var tags = config.Tags.Concat(options.Tags ?? []).ToList();
        long id = Insert(db, json, options.Name ?? config.Name, config.Seed, options with { Tags = tags }, null).Id;
        var (state, reason) = RunInputs.StateOf(db, RunInputs.Of(db, json));
        if (state == InputState.Waiting) db.Runs.Where(r => r.Id == id).ExecuteUpdate(s => s.SetProperty(r => r.Message, reason));
        return id;
    }

    /// <summary>Queues config text as given, unchecked; the worker validates it when the run starts.</summary>
    internal long QueueJson(string configJson, string name, int seed, RunOptions? options = null)
    {
        using var db = CreateContext();
        return Insert(db, configJson, name, seed, options, null).Id;
    }

    /// <summary>
    /// Records a validated config as a run that <paramref name="worker"/> runs right away (the command
    /// line's <c>train</c>), never passing through the queue.
    /// </summary>
    public RunRecord CreateRunning(RunConfig config, WorkerIdentity worker, RunOptions? options = null)
    {
        using var db = CreateContext();
        var errors = Problems(db, config);
        if (errors.Count > 0) throw new ConfigException(errors);
        var tags = config.Tags.Concat(options?.Tags ?? []).ToList();
        config = RunInputs.Pin(db, config);
        return Insert(db, ConfigJson.Serialize(config), options?.Name ?? config.Name, config.Seed,
            (options ?? new RunOptions()) with { Tags = tags }, worker);
    }

    private RunRecord Insert(StoreDbContext db, string configJson, string name, int seed, RunOptions? options, WorkerIdentity? runningOn)
    {
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
        run.Folder = Data.RelativeRunPath(run.Id);
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

    /// <summary>
    /// Records where and with what the run runs: code commit and dirty tree, package versions and host in their columns
    /// (the runs table and the CSV export filter on them), the whole provenance (device hardware, libtorch, OS) as JSON.
    /// </summary>
    public void RecordProvenance(long runId, RunProvenance provenance)
    {
        string packages = provenance.PackagesJson;
        string json = provenance.ToJson();
        using var db = CreateContext();
        db.Runs.Where(r => r.Id == runId).ExecuteUpdate(s => s
            .SetProperty(r => r.CodeCommit, provenance.CodeCommit)
            .SetProperty(r => r.CodeDirty, provenance.CodeDirty)
            .SetProperty(r => r.PackageVersions, packages)
            .SetProperty(r => r.Host, provenance.Host)
            .SetProperty(r => r.ProvenanceJson, json));
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
        // A run folder's own store lives inside the folder: the folder stays (its owner removes it).
        if (run.Folder.Length > 0 && !Data.IsRunFolder && Directory.Exists(folder)) Directory.Delete(folder, recursive: true);
    }
}
