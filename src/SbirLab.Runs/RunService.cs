using System.Collections.Concurrent;
using System.Runtime.CompilerServices;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using SbirLab.Core.Configs;
using SbirLab.Core.Runs;
using SbirLab.Store;
using SbirLab.Store.Accounts;
using SbirLab.Store.Entities;

namespace SbirLab.Runs;

/// <summary>
/// What the web lab and the command line call to manage runs: queue, stop, resume, clone, delete and
/// follow a run live. It also carries out runs for <see cref="RunWorker"/> and for foreground training:
/// it registers the run, records provenance, wires the store and the event hub to the trainer, keeps a
/// heartbeat, turns stop requests from any process into cancellation, and records how the run ended.
/// </summary>
public sealed class RunService : IDisposable
{
    private readonly ConcurrentDictionary<long, ActiveRun> _active = new();
    private readonly SemaphoreSlim _workSignal = new(0);
    private readonly Thread _heartbeat;
    private readonly CancellationTokenSource _disposed = new();
    private int _heartbeatBusy;

    public RunService(RunStore store, RunEventHub? events = null, TimeSpan? heartbeatInterval = null)
    {
        Store = store;
        Events = events ?? new RunEventHub();
        HeartbeatInterval = heartbeatInterval ?? TimeSpan.FromMilliseconds(500);
        // Its own thread, not the thread pool's: on a loaded machine a late heartbeat is a lost lease.
        _heartbeat = new Thread(BeatLoop) { IsBackground = true, Name = "SbirLab heartbeat" };
        _heartbeat.Start();
    }

    public RunStore Store { get; }
    public RunEventHub Events { get; }

    /// <summary>The worker this process claims runs as (<c>sbirlab worker --worker-id</c>; default host:pid).</summary>
    public WorkerIdentity Worker { get; init; } = WorkerIdentity.Current;

    /// <summary>How often running runs are stamped and stop requests polled (a stop from another process acts within this time plus one step).</summary>
    public TimeSpan HeartbeatInterval { get; }

    /// <summary>Ids of the runs this process is training now.</summary>
    public IReadOnlyCollection<long> ActiveRunIds => _active.Keys.ToList();

    // ---- the API ---------------------------------------------------------------------------

    /// <summary>
    /// Validates and queues a config for <paramref name="caller"/>; returns the run id. The run goes to team
    /// <paramref name="teamId"/>, else to the caller's team (a member), else to the default team. Throws
    /// <see cref="ConfigException"/> on an invalid config, <see cref="AccessDeniedException"/> when the caller may not
    /// queue in that team, and <see cref="KeyNotFoundException"/> for a parent run the caller cannot read.
    /// </summary>
    public long Queue(Caller caller, RunConfig config, string? name = null, string? experiment = null,
        IEnumerable<string>? tags = null, long? parentRunId = null, long? teamId = null)
    {
        var team = TeamOf(teamId ?? caller.TeamId ?? Team.DefaultId);
        Access.DemandQueue(caller, team.Id, team.Name);
        if (parentRunId is { } parent) Access.Demand(caller, RunAction.Read, RunOf(parent));
        DemandReadableReferences(caller, config);
        long id = Store.Queue(config, new RunOptions(name, experiment, tags?.ToList(), parentRunId, team.Id));
        Events.Publish(new RunStatusChanged(id, RunStatus.Queued, null));
        _workSignal.Release();
        return id;
    }

    /// <summary>
    /// Queues a run chain for <paramref name="caller"/> (team and rules as <see cref="Queue"/>; every run a reference
    /// names outside the chain must be readable by the caller); returns the run ids in order. The store checks each run
    /// once and queues the whole chain in one transaction, or none of it (<see cref="RunStore.QueueChain"/>): a run's
    /// reference to an earlier run of the chain is pinned to that run's id, so it waits for exactly the run queued with it.
    /// </summary>
    public IReadOnlyList<long> QueuePipeline(Caller caller, Pipeline pipeline, string? experiment = null, long? teamId = null)
    {
        var team = TeamOf(teamId ?? caller.TeamId ?? Team.DefaultId);
        Access.DemandQueue(caller, team.Id, team.Name);
        foreach (var run in pipeline.Runs) DemandReadableReferences(caller, run, pipeline.Names);
        var ids = Store.QueueChain(pipeline, new RunOptions(Experiment: experiment, TeamId: team.Id));
        foreach (long id in ids) Events.Publish(new RunStatusChanged(id, RunStatus.Queued, null));
        _workSignal.Release(ids.Count);
        return ids;
    }

    /// <summary>
    /// Claims the next queued run that may start for this process's worker (see <see cref="RunStore.ClaimNext"/>),
    /// telling watchers of each run failed on the way because its input failed.
    /// </summary>
    public RunRecord? ClaimNext(ClaimFilter? filter = null) =>
        Store.ClaimNext(Worker, (id, message) => Events.Publish(new RunStatusChanged(id, RunStatus.Failed, message)), filter);

    /// <summary>
    /// Stops a run: a queued run at once; a running one within one training step when this process runs
    /// it, else within a heartbeat of the worker that does. Returns the status right after the request.
    /// </summary>
    public RunStatus Stop(Caller caller, long runId)
    {
        Access.Demand(caller, RunAction.Manage, RunOf(runId));
        var status = Store.RequestStop(runId);
        if (_active.TryGetValue(runId, out var run)) run.Cancel(byUser: true);
        if (status == RunStatus.Stopped) Events.Publish(new RunStatusChanged(runId, status, "stopped before it started"));
        return status;
    }

    /// <summary>Queues a stopped or interrupted run again; it continues from its last checkpoint.</summary>
    public void Resume(Caller caller, long runId)
    {
        Access.Demand(caller, RunAction.Manage, RunOf(runId));
        Store.Requeue(runId);
        Events.Publish(new RunStatusChanged(runId, RunStatus.Queued, "resume"));
        _workSignal.Release();
    }

    /// <summary>The config a run used, for a new run to start from (queue it with <c>parentRunId</c> = <paramref name="runId"/>).</summary>
    public RunConfig Clone(Caller caller, long runId)
    {
        Access.Demand(caller, RunAction.Read, RunOf(runId));
        return Store.Config(runId);
    }

    /// <summary>Deletes a run that is not running, with its metrics and files.</summary>
    public void Delete(Caller caller, long runId)
    {
        Access.Demand(caller, RunAction.Manage, RunOf(runId));
        if (_active.ContainsKey(runId)) throw new InvalidOperationException($"run {runId} is running; stop it first");
        Store.Delete(runId);
        Events.Publish(new RunDeleted(runId));
    }

    /// <summary>
    /// Publishes a completed run for public sketch search (visitors without an account may then search it, and
    /// nothing else of it), or withdraws it. Only an admin or a member of the run's team may.
    /// </summary>
    public void Publish(Caller caller, long runId, bool published = true)
    {
        var run = RunOf(runId);
        Access.Demand(caller, RunAction.Publish, run);
        if (published && run.Status != RunStatus.Completed)
            throw new InvalidOperationException($"run {runId} is {run.Status.Text()}; only a completed run can be published");
        using (var db = Store.CreateContext())
            db.Runs.Where(r => r.Id == runId).ExecuteUpdate(s => s.SetProperty(r => r.PublishedAt, published ? DateTime.UtcNow : null));
        Events.Publish(new RunStatusChanged(runId, run.Status, published ? "published for sketch search" : "withdrawn from sketch search"));
    }

    private AccessPolicy Access => Store.Access;

    /// <summary>
    /// A run may start from another run's weights only for a caller who may read that run (its team's weights are its
    /// own). References that <paramref name="chainRun"/> says name a run of the chain being queued are the chain's own.
    /// </summary>
    private void DemandReadableReferences(Caller caller, RunConfig config, Func<string, bool>? chainRun = null)
    {
        var resolver = new RunReferenceResolver(Store);
        foreach (var (_, reference) in RunReferences.In(config))
            if (chainRun?.Invoke(reference) != true && resolver.Find(reference) is { } used) Access.Demand(caller, RunAction.Read, used);
    }

    private RunRecord RunOf(long runId) => Store.Find(runId) ?? throw new KeyNotFoundException($"no run with id {runId}");

    private Team TeamOf(long teamId)
    {
        using var db = Store.CreateContext();
        return db.Teams.AsNoTracking().FirstOrDefault(t => t.Id == teamId) ?? throw new KeyNotFoundException($"no team with id {teamId}");
    }

    /// <summary>
    /// Live progress of one run: step and epoch metrics, log lines, checkpoints and status changes. Runs
    /// trained in this process stream as they happen; runs trained by a worker in another process are
    /// followed through the database: on PostgreSQL at each notification of new rows (<see cref="RunChangeFeed"/>,
    /// reading everything new in one batch; <paramref name="pollInterval"/>, 30 s by default, is then only a safety net),
    /// on SQLite by reading new rows about once per <paramref name="pollInterval"/> (1 s by default).
    /// </summary>
    public async IAsyncEnumerable<RunEvent> Subscribe(long runId, TimeSpan? pollInterval = null,
        [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        using var subscription = Events.Open(runId);
        var follower = new StoreFollower(Store, runId, () => _active.ContainsKey(runId));
        var changes = Store.Changes;
        var interval = pollInterval ?? (changes is null ? TimeSpan.FromSeconds(1) : TimeSpan.FromSeconds(30));
        while (!cancellationToken.IsCancellationRequested)
        {
            var changed = changes?.Next(runId); // asked before reading, so a commit during the read wakes the next wait
            foreach (var polled in follower.Poll()) yield return polled;
            using var wait = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            wait.CancelAfter(interval);
            while (await WaitForEvents(subscription, changed, wait))
            {
                while (subscription.Reader.TryRead(out var runEvent))
                {
                    if (follower.Saw(runEvent)) yield return runEvent;
                }
            }
        }
    }

    /// <summary>
    /// Waits for events of this process (true: read them) or, on PostgreSQL, for a notification of new rows, or the
    /// interval (false: read the database).
    /// </summary>
    private static async Task<bool> WaitForEvents(RunEventHub.Subscription subscription, Task? changed, CancellationTokenSource wait)
    {
        var readable = TryWaitToRead(subscription, wait.Token);
        if (changed is null || await Task.WhenAny(readable, changed) == readable) return await readable;
        await wait.CancelAsync(); // the pending read must end before the channel is read again (it has a single reader)
        await readable;
        return false;
    }

    private int _following;

    /// <summary>
    /// Publishes, on PostgreSQL, the status changes that other processes (workers on other machines) make, as they are
    /// notified (<see cref="RunChangeFeed.StatusChanged"/>), so that <see cref="SubscribeAll"/> and the runs table move
    /// for every run. The lab calls it once; a worker does not (it follows only its own runs). SQLite: nothing to do.
    /// </summary>
    public void FollowOtherProcesses()
    {
        if (Store.Changes is not { } changes || Interlocked.Exchange(ref _following, 1) == 1) return;
        changes.StatusChanged += runId => _ = Task.Run(() => PublishStoredStatus(runId));
    }

    private void PublishStoredStatus(long runId)
    {
        try
        {
            if (Store.Find(runId) is { } run) Events.Publish(new RunStatusChanged(runId, run.Status, run.Message));
            else Events.Publish(new RunDeleted(runId));
        }
        catch (Exception e) when (e is System.Data.Common.DbException or InvalidOperationException or TimeoutException)
        {
            // the database is briefly away; the next change is told again, and the runs page reloads on its own
        }
    }

    /// <summary>Events of every run (status changes drive list pages), as they happen in this process (and in others: <see cref="FollowOtherProcesses"/>).</summary>
    public async IAsyncEnumerable<RunEvent> SubscribeAll([EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        using var subscription = Events.Open(null);
        await foreach (var runEvent in subscription.Reader.ReadAllAsync(cancellationToken)) yield return runEvent;
    }

    /// <summary>
    /// Trains a config in this process, recorded in the store like a queued run (the command line's
    /// <c>train</c>). <paramref name="extra"/> receives the same events (a progress bar).
    /// </summary>
    public (long RunId, RunOutcome Outcome) RunInForeground(RunConfig config, IRunExecutor executor,
        RunOptions? options = null, ITrainingObserver? extra = null, CancellationToken stop = default)
    {
        var run = Store.CreateRunning(config, Worker, options);
        Events.Publish(new RunStatusChanged(run.Id, RunStatus.Running, null));
        using var stopping = stop.Register(() => Stop(Caller.DataFolderOwner, run.Id)); // Ctrl+C in the foreground is the user's stop
        return (run.Id, Execute(run, executor, device: null, CancellationToken.None, extra));
    }

    /// <summary>
    /// Resumes a stopped (or interrupted) run in this process from its last checkpoint, as <see cref="RunInForeground"/>
    /// trains a new one (the command line's <c>train --out DIR --resume</c>, whose store holds that one run; in a store
    /// with older queued runs, those are carried out first, as a worker would). Throws <see cref="InvalidOperationException"/>
    /// when the run cannot be resumed or another worker claims it.
    /// </summary>
    public RunOutcome ResumeInForeground(long runId, IRunExecutor executor, ITrainingObserver? extra = null, CancellationToken stop = default)
    {
        Resume(Caller.DataFolderOwner, runId);
        var run = Store.ClaimNext(Worker);
        while (run is not null && run.Id != runId)
        {
            Execute(run, executor, device: null, CancellationToken.None, extra);
            run = Store.ClaimNext(Worker);
        }
        if (run is null) throw new InvalidOperationException($"run {runId} was claimed by another worker");
        using var stopping = stop.Register(() => Stop(Caller.DataFolderOwner, runId));
        return Execute(run, executor, device: null, CancellationToken.None, extra);
    }

    // ---- carrying out a claimed run ----------------------------------------------------------

    /// <summary>Waits until something is queued in this process or a local run ends, or the timeout passes.</summary>
    internal Task<bool> WaitForWork(TimeSpan timeout, CancellationToken cancellationToken) =>
        _workSignal.WaitAsync(timeout, cancellationToken);

    /// <summary>
    /// Runs a claimed run (status <c>running</c>) to its end and records the end. Never throws for a bad
    /// config or a failing trainer: those end the run as <c>failed</c> with the reason.
    /// </summary>
    internal RunOutcome Execute(RunRecord run, IRunExecutor executor, string? device, CancellationToken workerStopping,
        ITrainingObserver? extra = null)
    {
        var id = run.Id;
        RecordWhereItRuns(run, device);
        Events.Publish(new RunStatusChanged(id, RunStatus.Running, null));
        ValidatedConfig config;
        try
        {
            config = AtStart(run.ConfigJson, device);
        }
        catch (Exception e) when (e is ConfigException or JsonException or NotSupportedException)
        {
            return End(id, new RunOutcome(RunStatus.Failed, "config rejected: " + OneLine(e.Message), 0, 0, null));
        }

        var folder = PrepareFolder(run);
        var storeObserver = new StoreObserver(Store, id, Worker);
        using var cancellation = CancellationTokenSource.CreateLinkedTokenSource(workerStopping);
        var wallTime = Store.Data.Limits.WallTimeFor(team: null);
        cancellation.CancelAfter(wallTime); // stopped (resumable) when it trains longer than the host allows
        var active = new ActiveRun(cancellation, storeObserver);
        _active[id] = active;
        RunOutcome outcome;
        MedianStopObserver? medianStop = null;
        try
        {
            var observers = new List<ITrainingObserver> { storeObserver, new HubObserver(Events, id) };
            if (extra is not null) observers.Add(extra);
            medianStop = MedianStopObserver.For(Store, id, () => active.Cancel(byUser: true));
            if (medianStop is not null) observers.Add(medianStop);
            var resumeFrom = ResumePoint(run, storeObserver);
            outcome = executor.Execute(config, folder, new CompositeObserver([.. observers]), resumeFrom, cancellation.Token);
        }
        catch (Exception e)
        {
            storeObserver.OnLog("error: " + e);
            outcome = new RunOutcome(RunStatus.Failed, OneLine(e.Message), storeObserver.Steps, storeObserver.EpochsCompleted, null);
        }
        finally
        {
            _active.TryRemove(id, out _);
            _workSignal.Release();
        }
        if (active.LeaseLost)
            return LeaseLost(id, outcome);
        if (outcome.Status == RunStatus.Stopped && medianStop?.Verdict is { } verdict)
            outcome = outcome with { Message = verdict + ": " + outcome.Message };
        else if (outcome.Status == RunStatus.Stopped && !active.StoppedByUser && workerStopping.IsCancellationRequested)
            outcome = outcome with { Status = RunStatus.Interrupted, Message = "worker shut down: " + outcome.Message };
        else if (outcome.Status == RunStatus.Stopped && !active.StoppedByUser)
            outcome = outcome with { Message = $"wall-time limit of {Duration(wallTime)} reached ({HostLimits.WallTimeVariable}): " + outcome.Message };
        return End(id, outcome);
    }

    /// <summary>
    /// Stores this attempt's provenance (code commit and dirty tree, packages, host, seed, the device slot) before
    /// anything can fail, so a run refused at the start boundary or failing while its data loads still shows where it
    /// ran. The trainer reports the full provenance (device hardware, libtorch) when it starts, which replaces this one.
    /// </summary>
    private void RecordWhereItRuns(RunRecord run, string? device) =>
        Store.RecordProvenance(run.Id, RunProvenance.Capture() with { Seed = run.Seed, Device = device, Created = DateTimeOffset.UtcNow });

    /// <summary>
    /// The start-of-execution boundary: the stored config as this machine will train it (run references become their
    /// run folders, every path its confined real path so the engine opens exactly what was checked, the device the slot
    /// it was claimed for), checked once against this lab's limits and this machine's facts.
    /// </summary>
    private ValidatedConfig AtStart(string configJson, string? device)
    {
        var config = ConfigJson.ParseUnvalidated(configJson);
        if (device is not null) config = config with { Device = device };
        return ConfigValidator.ForStart(config, Store.Data.Limits, checkedConfig => Store.Data.Roots.Apply(new RunReferenceResolver(Store).Resolve(checkedConfig)));
    }

    private RunFolder PrepareFolder(RunRecord run)
    {
        // Artifacts only: the config, provenance and history of the run are the store's (the trainer reports them).
        return Store.Data.RunFolder(run.Id).Create();
    }

    /// <summary>The last checkpoint, when its file still exists; otherwise the run starts over (and says so in its log).</summary>
    private CheckpointInfo? ResumePoint(RunRecord run, StoreObserver log)
    {
        var checkpoint = Store.LastCheckpoint(run);
        if (checkpoint is null || File.Exists(checkpoint.Path)) return checkpoint;
        log.OnLog($"checkpoint {checkpoint.Path} is missing; starting from step 0");
        return null;
    }

    /// <summary>A run this worker lost: its points so far are kept, its end is left to the process that holds it now.</summary>
    private RunOutcome LeaseLost(long runId, RunOutcome outcome)
    {
        try { Store.Writer.Flush(); }
        catch (TimeoutException) { /* the writer retries */ }
        return outcome with { Status = RunStatus.Interrupted, Message = $"worker {Worker.Id} lost its lease on run {runId}; stopped training it" };
    }

    private RunOutcome End(long runId, RunOutcome outcome)
    {
        try { Store.Writer.Flush(); }
        catch (TimeoutException) { /* the status below still records the end; points are retried by the writer */ }
        Store.RegisterArtifacts(runId);
        Store.Finish(runId, outcome.Status, outcome.Message, outcome.Steps > 0 || outcome.LastCheckpoint is not null ? outcome : null, Worker);
        Events.Publish(new RunStatusChanged(runId, outcome.Status, outcome.Message));
        return outcome;
    }

    private void BeatLoop()
    {
        while (!_disposed.Token.WaitHandle.WaitOne(HeartbeatInterval)) Beat();
    }

    /// <summary>Renews the leases of this process's runs, cancels those someone asked to stop from elsewhere and those it lost.</summary>
    private void Beat()
    {
        if (_active.IsEmpty || Interlocked.Exchange(ref _heartbeatBusy, 1) == 1) return;
        try
        {
            var progress = _active.Select(kv => kv.Value.Observer.Progress).ToList();
            var reply = Store.Heartbeat(Worker, progress);
            foreach (var id in reply.StopRequested)
                if (_active.TryGetValue(id, out var run)) run.Cancel(byUser: true);
            foreach (var id in reply.Lost)
                if (_active.TryGetValue(id, out var run)) run.LoseLease();
        }
        catch (Exception e) when (e is System.Data.Common.DbException or InvalidOperationException or TimeoutException)
        {
            // A busy or briefly unavailable database: the next beat tries again.
        }
        finally
        {
            Interlocked.Exchange(ref _heartbeatBusy, 0);
        }
    }

    private static string Duration(TimeSpan time) =>
        time.TotalHours >= 1 ? FormattableString.Invariant($"{time.TotalHours:0.#} h")
        : time.TotalMinutes >= 1 ? FormattableString.Invariant($"{time.TotalMinutes:0.#} min")
        : FormattableString.Invariant($"{time.TotalSeconds:0.#} s");

    private static string OneLine(string message) => message.ReplaceLineEndings("; ");

    private static async Task<bool> TryWaitToRead(RunEventHub.Subscription subscription, CancellationToken token)
    {
        try { return await subscription.Reader.WaitToReadAsync(token); }
        catch (OperationCanceledException) { return false; }
    }

    public void Dispose()
    {
        _disposed.Cancel();
        _heartbeat.Join(TimeSpan.FromSeconds(5));
        _disposed.Dispose();
        _workSignal.Dispose();
    }

    /// <summary>A run this process is training.</summary>
    private sealed class ActiveRun(CancellationTokenSource cancellation, StoreObserver observer)
    {
        public StoreObserver Observer => observer;
        public bool StoppedByUser { get; private set; }

        /// <summary>Another process took the run (its lease ran out): stop training it; its end is no longer this worker's to record.</summary>
        public bool LeaseLost { get; private set; }

        public void LoseLease()
        {
            LeaseLost = true;
            Cancel(byUser: false);
        }

        public void Cancel(bool byUser)
        {
            StoppedByUser |= byUser;
            try { cancellation.Cancel(); }
            catch (ObjectDisposedException) { /* the run has just ended */ }
        }
    }
}
