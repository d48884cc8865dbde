using SbirLab.Core.Runs;
using SbirLab.Store;
using SbirLab.Store.Accounts;
using SbirLab.Store.Entities;

namespace SbirLab.Runs.Tests;

public abstract class RunServiceTests(StoreProvider provider) : IDisposable
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(20);
    private readonly Lazy<TempStore> _temp = new(() => new TempStore(provider: provider));

    /// <summary>The store, created on first use inside a test so that a PostgreSQL case without a server is skipped.</summary>
    private TempStore Temp => _temp.Value;

    private void DisposeStore()
    {
        if (_temp.IsValueCreated) _temp.Value.Dispose();
    }

    private RunService? _serviceCreated;

    private RunService Service => _serviceCreated ??= new RunService(Temp.Store, heartbeatInterval: TimeSpan.FromMilliseconds(100));

    private RunStore Store => Temp.Store;

    public void Dispose()
    {
        _serviceCreated?.Dispose();
        DisposeStore();
    }

    [SkippableFact]
    public async Task The_worker_serves_the_queue_first_in_first_out_one_run_at_a_time()
    {
        var executor = new ScriptedExecutor(epochs: 1, stepsPerEpoch: 3) { StepTime = TimeSpan.FromMilliseconds(5) };
        long[] ids = [Service.Queue(Caller.DataFolderOwner, TempStore.Config("a")), Service.Queue(Caller.DataFolderOwner, TempStore.Config("b")), Service.Queue(Caller.DataFolderOwner, TempStore.Config("c"))];

        await RunUntilIdle(executor);

        Assert.Equal(["a", "b", "c"], executor.Starts.Select(s => s.Name));
        Assert.Equal(1, executor.PeakConcurrency);
        var runs = ids.Select(id => Store.Find(id)!).ToList();
        Assert.All(runs, r => Assert.Equal(RunStatus.Completed, r.Status));
        for (int i = 1; i < runs.Count; i++) Assert.True(runs[i - 1].FinishedAt <= runs[i].StartedAt);
    }

    [SkippableFact]
    public async Task Two_slots_train_two_runs_at_once()
    {
        using var both = new Barrier(2);
        var executor = new ScriptedExecutor(1, 2) { AfterStep = (_, step) => { if (step == 0) both.SignalAndWait(Patience); } };
        Service.Queue(Caller.DataFolderOwner, TempStore.Config("a"));
        Service.Queue(Caller.DataFolderOwner, TempStore.Config("b"));

        await RunUntilIdle(executor, concurrency: 2);

        Assert.Equal(2, executor.PeakConcurrency);
    }

    [SkippableFact]
    public async Task Stop_ends_the_run_within_one_step_and_resume_continues_with_every_step_once()
    {
        long id = 0;
        var executor = new ScriptedExecutor(epochs: 3, stepsPerEpoch: 4)
        {
            AfterStep = (_, step) => { if (step == 5) Service.Stop(Caller.DataFolderOwner, id); }, // mid epoch 1
        };
        id = Service.Queue(Caller.DataFolderOwner, TempStore.Config());

        await RunUntilIdle(executor);

        var stopped = Store.Find(id)!;
        Assert.Equal(RunStatus.Stopped, stopped.Status);
        Assert.Equal(6, stopped.CheckpointStep); // the stop came after step 5; step 6 never ran
        Assert.Equal(6, stopped.Steps);
        Assert.Equal(Enumerable.Range(0, 6).Select(s => (long)s), Steps(id));

        Service.Resume(Caller.DataFolderOwner, id);
        await RunUntilIdle(executor);

        var done = Store.Find(id)!;
        Assert.Equal(RunStatus.Completed, done.Status);
        Assert.Equal(2, done.Attempts);
        Assert.Equal(6, executor.Starts[^1].StartStep);
        Assert.Equal(Enumerable.Range(0, 12).Select(s => (long)s), Steps(id));
        Assert.All(Store.Metrics(id, MetricKind.Step, "loss"), p => Assert.Equal(1.0 / (p.Step + 1), p.Value));
        Assert.Equal([0, 1, 2], Store.Metrics(id, MetricKind.Epoch, "loss").Select(p => p.Epoch));
    }

    [SkippableFact]
    public async Task A_stop_asked_for_by_another_process_acts_within_a_heartbeat()
    {
        using var otherProcess = Temp.OpenAnother();
        var executor = new ScriptedExecutor(1, 1_000) { StepTime = TimeSpan.FromMilliseconds(10) };
        long id = Service.Queue(Caller.DataFolderOwner, TempStore.Config());
        var worker = Task.Run(() => RunUntilIdle(executor));
        await WaitFor(() => Store.Find(id)!.Steps >= 5);

        var asked = DateTime.UtcNow;
        Assert.Equal(RunStatus.Running, otherProcess.RequestStop(id));
        await worker;

        var run = Store.Find(id)!;
        Assert.Equal(RunStatus.Stopped, run.Status);
        Assert.True(run.FinishedAt!.Value - asked < TimeSpan.FromSeconds(1), $"stopped {run.FinishedAt - asked} after the request");
        Assert.True(run.Steps < 1_000);
    }

    [SkippableFact]
    public async Task A_broken_config_fails_its_run_with_a_clear_message_and_the_worker_goes_on()
    {
        var executor = new ScriptedExecutor(1, 2);
        long unreadable = Store.QueueJson("{ \"model\": { \"backbone\": ", "cut-off", 1);
        long invalid = Store.QueueJson("""{ "name": "bad", "model": { "backbone": "vgg19" } }""", "bad", 1);
        long good = Service.Queue(Caller.DataFolderOwner, TempStore.Config("good"));

        await RunUntilIdle(executor);

        var first = Store.Find(unreadable)!;
        Assert.Equal(RunStatus.Failed, first.Status);
        Assert.StartsWith("config rejected: (file) = line", first.Message);
        var second = Store.Find(invalid)!;
        Assert.Equal(RunStatus.Failed, second.Status);
        Assert.Equal("config rejected: model.backbone = \"vgg19\": one of convnet, resnet18, resnet34, resnet50, koch, seed-002", second.Message);
        Assert.Equal(RunStatus.Completed, Store.Find(good)!.Status);
        Assert.Equal(["good"], executor.Starts.Select(s => s.Name));
    }

    [SkippableFact]
    public void A_bad_config_is_refused_at_queue_naming_the_field_and_the_allowed_range_and_nothing_is_queued()
    {
        var bad = TempStore.Config("bad") with { Loss = new Core.Configs.LossConfig { Margin = 5 } };

        var refused = Assert.Throws<Core.Configs.ConfigException>(() => Service.Queue(Caller.DataFolderOwner, bad));

        var error = Assert.Single(refused.Errors);
        Assert.Equal("loss.margin", error.Field);
        Assert.Equal("a number in [0, 4]", error.Allowed);
        Assert.Empty(Store.List());
    }

    [SkippableFact]
    public async Task A_config_valid_at_queue_whose_data_folder_is_gone_at_start_fails_naming_it_and_still_records_where_it_ran()
    {
        string[] folders = ["sketches", "photos", "queries", "gallery"];
        foreach (var folder in folders) Directory.CreateDirectory(Path.Combine(Temp.Data.DatasetsRoot, folder));
        var config = TempStore.Config("folders") with
        {
            Data = new Core.Configs.DataConfig
            {
                Dataset = Core.Configs.DatasetKind.Folders,
                TrainSketches = "datasets/sketches",
                TrainPhotos = "datasets/photos",
                EvalQueries = "datasets/queries",
                EvalGallery = "datasets/gallery",
            },
        };
        long id = Service.Queue(Caller.DataFolderOwner, config); // valid here and now
        Directory.Delete(Path.Combine(Temp.Data.DatasetsRoot, "photos")); // then the data set is moved away before a worker starts it
        var executor = new ScriptedExecutor(1, 2);

        await RunUntilIdle(executor);

        var run = Store.Find(id)!;
        Assert.Equal(RunStatus.Failed, run.Status);
        Assert.StartsWith("config rejected: data.trainPhotos = \"datasets/photos\": an existing data set folder or list file on the machine that trains", run.Message, StringComparison.Ordinal);
        Assert.Empty(executor.Starts);
        AssertProvenanceOfThisProcess(run);
    }

    [SkippableFact]
    public async Task A_run_failing_while_its_data_loads_before_the_trainer_starts_keeps_its_message_and_provenance()
    {
        var executor = new ScriptedExecutor(1, 2) { BeforeStart = _ => throw new IOException("sketches.idx: unexpected end of file") };
        long id = Service.Queue(Caller.DataFolderOwner, TempStore.Config("unreadable", seed: 3));

        await RunUntilIdle(executor);

        var run = Store.Find(id)!;
        Assert.Equal(RunStatus.Failed, run.Status);
        Assert.Equal("sketches.idx: unexpected end of file", run.Message);
        Assert.Empty(executor.Starts);
        AssertProvenanceOfThisProcess(run);
        Assert.Equal(3, RunProvenance.FromJson(run.ProvenanceJson!)!.Seed);
    }

    /// <summary>
    /// The row holds this process's provenance (what the run page's table and <c>sbirlab runs show</c> read: the commit,
    /// host and package columns and the JSON), although the trainer never reported one.
    /// </summary>
    private static void AssertProvenanceOfThisProcess(RunRecord run)
    {
        var expected = RunProvenance.Capture();
        var stored = RunProvenance.FromJson(Assert.IsType<string>(run.ProvenanceJson));
        Assert.NotNull(stored);
        Assert.Equal(Environment.MachineName, stored.Host);
        Assert.Equal(expected.CodeCommit, stored.CodeCommit);
        Assert.Equal(expected.Packages, stored.Packages);
        Assert.Equal(Environment.MachineName, run.Host);
        Assert.Equal(expected.CodeCommit, run.CodeCommit);
        Assert.Contains("Microsoft.EntityFrameworkCore", run.PackageVersions);
        var table = ProvenanceTable.Of(run);
        Assert.Contains(table, item => item.Label == "host" && item.Value == Environment.MachineName);
        Assert.Contains(table, item => item.Label == "code commit" && item.Value.StartsWith(expected.CodeCommit ?? "unknown", StringComparison.Ordinal));
        Assert.Contains(table, item => item.Label == "os" && item.Value == expected.Os);
        Assert.Contains(table, item => item.Label == "Microsoft.EntityFrameworkCore");
    }

    [SkippableFact]
    public async Task Paths_outside_the_data_folders_roots_are_refused_at_queue_and_at_start()
    {
        var executor = new ScriptedExecutor(1, 2);
        var outside = new Core.Configs.RunConfig { Name = "leak", Model = new Core.Configs.ModelConfig { PretrainedSketch = "/etc/passwd" } };
        var refused = Assert.Throws<Core.Configs.ConfigException>(() => Service.Queue(Caller.DataFolderOwner, outside));
        Assert.Contains(Temp.Data.WeightsRoot, refused.Message);
        long recordedEarlier = Store.QueueJson("""{ "name": "old", "model": { "pretrainedSketch": "/etc/passwd" } }""", "old", 1);
        File.WriteAllText(Path.Combine(Temp.Data.WeightsRoot, "w.safetensors"), "weights");
        long inside = Service.Queue(Caller.DataFolderOwner, outside with { Name = "inside", Model = outside.Model with { PretrainedSketch = "weights/w.safetensors" } });

        await RunUntilIdle(executor);

        var old = Store.Find(recordedEarlier)!;
        Assert.Equal(RunStatus.Failed, old.Status);
        Assert.StartsWith("config rejected: model.pretrainedSketch = \"/etc/passwd\": a path inside the lab's weight and run roots", old.Message);
        Assert.Equal(RunStatus.Completed, Store.Find(inside)!.Status);
        // The engine is handed the checked real path, not the relative one.
        Assert.Equal(Path.Combine(Temp.Data.WeightsRoot, "w.safetensors"), Assert.Single(executor.Configs).Model.PretrainedSketch);
    }

    [SkippableFact]
    public async Task A_failing_trainer_fails_the_run_and_keeps_the_error_in_its_log()
    {
        var executor = new ScriptedExecutor(1, 5) { AfterStep = (_, step) => { if (step == 2) throw new InvalidOperationException("out of memory"); } };
        long id = Service.Queue(Caller.DataFolderOwner, TempStore.Config());

        await RunUntilIdle(executor);

        var run = Store.Find(id)!;
        Assert.Equal(RunStatus.Failed, run.Status);
        Assert.Equal("out of memory", run.Message);
        Assert.Contains(Store.Log(id), l => l.Text.StartsWith("error: System.InvalidOperationException: out of memory", StringComparison.Ordinal));
    }

    [SkippableFact]
    public async Task Shutting_the_worker_down_leaves_the_run_interrupted_and_resumable()
    {
        var executor = new ScriptedExecutor(1, 1_000) { StepTime = TimeSpan.FromMilliseconds(5) };
        long id = Service.Queue(Caller.DataFolderOwner, TempStore.Config());
        using var worker = new RunWorker(Service, executor, new RunWorkerOptions());
        await worker.StartAsync(CancellationToken.None);
        await WaitFor(() => Store.Find(id)!.Steps >= 3);

        await worker.StopAsync(CancellationToken.None);

        var run = Store.Find(id)!;
        Assert.Equal(RunStatus.Interrupted, run.Status);
        Assert.StartsWith("worker shut down: stopped at step", run.Message);
        Assert.Equal(run.Steps, run.CheckpointStep);
        Service.Resume(Caller.DataFolderOwner, id);
        Assert.Equal(RunStatus.Queued, Store.Find(id)!.Status);
    }

    [SkippableFact]
    public async Task Subscribers_see_every_step_and_the_status_changes_of_a_local_run()
    {
        var executor = new ScriptedExecutor(2, 5);
        long id = Service.Queue(Caller.DataFolderOwner, TempStore.Config());
        using var cancel = new CancellationTokenSource(Patience);
        var events = new List<RunEvent>();
        var listening = Task.Run(async () =>
        {
            await foreach (var e in Service.Subscribe(id, cancellationToken: cancel.Token))
            {
                events.Add(e);
                if (e is RunStatusChanged { Status: RunStatus.Completed }) break;
            }
        });
        await WaitFor(() => events.Count > 0); // the first poll reports the current status: queued

        await RunUntilIdle(executor);
        await listening;

        Assert.Equal(Enumerable.Range(0, 10).Select(s => (long)s), events.OfType<RunStepEvent>().Select(e => e.Metrics.Step));
        Assert.Equal([0, 1], events.OfType<RunEpochEvent>().Select(e => e.Metrics.Epoch));
        var statuses = events.OfType<RunStatusChanged>().Select(e => e.Status).ToList();
        Assert.Equal([RunStatus.Queued, RunStatus.Running, RunStatus.Completed], statuses.Distinct());
        Assert.Equal(RunStatus.Completed, statuses[^1]);
    }

    [SkippableFact]
    public async Task Subscribers_follow_a_run_trained_by_another_process_through_the_store()
    {
        using var otherProcess = Temp.OpenAnother();
        long id = otherProcess.Queue(TempStore.Config());
        otherProcess.ClaimNext(new WorkerIdentity("gpu-box", 99, DateTime.UtcNow));
        using var cancel = new CancellationTokenSource(Patience);
        var events = new List<RunEvent>();
        var listening = Task.Run(async () =>
        {
            await foreach (var e in Service.Subscribe(id, TimeSpan.FromMilliseconds(50), cancel.Token))
            {
                events.Add(e);
                if (e is RunStatusChanged { Status: RunStatus.Completed }) break;
            }
        });
        await WaitFor(() => events.Count > 0); // the first poll reports the current status

        var observer = new StoreObserver(otherProcess, id);
        observer.OnStart(new RunStart("cuda:0", 0, 0, 1, 4, 4, 8, "test"));
        for (int step = 0; step < 4; step++) observer.OnStep(new StepMetrics(step, 0, new Dictionary<string, double> { ["loss"] = step }));
        observer.OnLog("epoch 1/1");
        observer.OnFinish(new RunOutcome(RunStatus.Completed, "completed", 4, 1, null));
        otherProcess.Finish(id, RunStatus.Completed, "completed");
        await listening;

        Assert.Equal(RunStatus.Running, ((RunStatusChanged)events[0]).Status);
        Assert.Equal([0L, 1, 2, 3], events.OfType<RunStepEvent>().Select(e => e.Metrics.Step));
        Assert.Equal(2.0, events.OfType<RunStepEvent>().Single(e => e.Metrics.Step == 2).Metrics.Values["loss"]);
        Assert.Contains(events, e => e is RunLogEvent { Line: "epoch 1/1" });
    }

    [SkippableFact]
    public void A_foreground_run_is_recorded_like_a_queued_one()
    {
        var executor = new ScriptedExecutor(1, 3);
        var (id, outcome) = Service.RunInForeground(TempStore.Config("here"), executor, new RunOptions(Experiment: "cli"));

        Assert.Equal(RunStatus.Completed, outcome.Status);
        var run = Store.Find(id)!;
        Assert.Equal(RunStatus.Completed, run.Status);
        Assert.Equal("cli", run.Experiment!.Name);
        Assert.Equal(3, Store.Metrics(id, MetricKind.Step, "loss").Count);
        Assert.Equal(Environment.MachineName, run.Host);
        Assert.Contains("Microsoft.EntityFrameworkCore", run.PackageVersions);
        Assert.Contains(Store.Artifacts(id), a => a.Kind == "checkpoint" && a.Path == $"runs/{id}/checkpoints/epoch-001.safetensors");
    }

    [SkippableFact]
    public void Clone_returns_the_stored_config_and_delete_refuses_a_run_in_training()
    {
        var config = TempStore.Config("orig", seed: 5) with { Loss = new Core.Configs.LossConfig { Embedding = Core.Configs.EmbeddingLossKind.Triplet, Margin = 0.3 } };
        long id = Service.Queue(Caller.DataFolderOwner, config);
        Assert.Equal(Core.Configs.ConfigJson.Serialize(config), Core.Configs.ConfigJson.Serialize(Service.Clone(Caller.DataFolderOwner, id)));
        long child = Service.Queue(Caller.DataFolderOwner, Service.Clone(Caller.DataFolderOwner, id) with { Seed = 6 }, parentRunId: id);
        Assert.Equal(id, Store.Find(child)!.ParentRunId);
        Service.Delete(Caller.DataFolderOwner, child);
        Assert.Null(Store.Find(child));
    }

    private IEnumerable<long> Steps(long id) => Store.Metrics(id, MetricKind.Step, "loss").Select(p => p.Step);

    private async Task RunUntilIdle(IRunExecutor executor, int concurrency = 1)
    {
        using var worker = new RunWorker(Service, executor, new RunWorkerOptions { ExitWhenIdle = true, MaxConcurrentRuns = concurrency });
        await worker.StartAsync(CancellationToken.None);
        await worker.ExecuteTask!.WaitAsync(Patience);
    }

    private static async Task WaitFor(Func<bool> condition)
    {
        var deadline = DateTime.UtcNow + Patience;
        while (!condition())
        {
            if (DateTime.UtcNow > deadline) throw new TimeoutException("condition not met");
            await Task.Delay(10);
        }
    }
}

/// <summary>The suite on the data folder's SQLite file.</summary>
public sealed class SqliteRunServiceTests() : RunServiceTests(StoreProvider.Sqlite);

/// <summary>The suite on PostgreSQL (skipped without a server; see <see cref="TestPostgres"/>).</summary>
public sealed class PostgresRunServiceTests() : RunServiceTests(StoreProvider.Postgres);
