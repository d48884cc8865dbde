using System.Diagnostics;
using Microsoft.EntityFrameworkCore;
using SbirLab.Core.Runs;
using SbirLab.Store.Entities;

namespace SbirLab.Store.Tests;

public abstract class RunStoreTests(StoreProvider provider) : IDisposable
{
    private readonly Lazy<TempStore> _temp = new(() => new TempStore(provider: provider));

    /// <summary>The store, created on first use inside a test so that a PostgreSQL case without a server is skipped.</summary>
    private TempStore Temp => _temp.Value;

    private void DisposeStore()
    {
        if (_temp.IsValueCreated) _temp.Value.Dispose();
    }
    private RunStore Store => Temp.Store;

    public void Dispose() => DisposeStore();

    [SkippableFact]
    public void Opening_applies_the_migrations_in_wal_mode_and_can_be_repeated()
    {
        using var db = Store.CreateContext();
        Assert.Empty(db.Database.GetPendingMigrations());
        Assert.NotEmpty(db.Database.GetAppliedMigrations());
        if (provider == StoreProvider.Sqlite) Assert.Equal("wal", db.Database.SqlQueryRaw<string>("PRAGMA journal_mode").AsEnumerable().Single());
        else Assert.True(db.Database.IsNpgsql());
        using var again = Temp.OpenAnother();
        Assert.Empty(again.List());
    }

    [SkippableFact]
    public void Queue_records_the_exact_config_experiment_and_tags()
    {
        var config = TempStore.Config("margin-0.3", seed: 7) with { Tags = ["triplet"] };
        long id = Store.Queue(config, new RunOptions(Experiment: "sweep", Tags: ["a", "triplet"]));
        var run = Store.Find(id)!;
        Assert.Equal(RunStatus.Queued, run.Status);
        Assert.Equal(Core.Configs.ConfigJson.Serialize(config), run.ConfigJson);
        Assert.Equal(7, run.Seed);
        Assert.Equal("sweep", run.Experiment!.Name);
        Assert.Equal(["a", "triplet"], run.Tags.Select(t => t.Name).Order());
        Assert.Equal($"runs/{id}", run.Folder);
    }

    [SkippableFact]
    public void Queue_is_served_oldest_first()
    {
        long[] ids = [Store.Queue(TempStore.Config("a")), Store.Queue(TempStore.Config("b")), Store.Queue(TempStore.Config("c"))];
        var claimed = Enumerable.Range(0, 3).Select(_ => Store.ClaimNext(WorkerIdentity.Current)!.Id).ToArray();
        Assert.Equal(ids, claimed);
        Assert.Null(Store.ClaimNext(WorkerIdentity.Current));
    }

    [SkippableFact]
    public async Task Workers_claiming_at_once_never_take_the_same_run()
    {
        var ids = Enumerable.Range(0, 24).Select(i => Store.Queue(TempStore.Config($"r{i}"))).ToHashSet();
        var claimed = new System.Collections.Concurrent.ConcurrentBag<long>();
        var workers = Enumerable.Range(0, 4).Select(_ => Task.Run(() =>
        {
            using var store = Temp.OpenAnother();
            while (store.ClaimNext(WorkerIdentity.Current) is { } run) claimed.Add(run.Id);
        })).ToArray();
        await Task.WhenAll(workers);
        Assert.Equal(24, claimed.Count);
        Assert.True(ids.SetEquals(claimed));
    }

    [SkippableFact]
    public void Stopping_a_queued_run_is_immediate_and_a_running_run_gets_the_flag()
    {
        long queued = Store.Queue(TempStore.Config("q"));
        long running = Store.Queue(TempStore.Config("r"));
        Store.ClaimNext(WorkerIdentity.Current); // claims "q"
        Assert.Equal(RunStatus.Running, Store.RequestStop(queued));
        Assert.Equal(RunStatus.Stopped, Store.RequestStop(running));
        Assert.True(Store.Find(queued)!.StopRequested);
        Assert.Equal("stopped before it started", Store.Find(running)!.Message);
        Assert.Equal([queued], Store.Heartbeat(WorkerIdentity.Current, [new RunProgress(queued, 3, 0)]).StopRequested);
        Assert.Equal(3, Store.Find(queued)!.Steps);
    }

    [SkippableFact]
    public void Only_stopped_or_interrupted_runs_go_back_in_the_queue()
    {
        long id = Store.Queue(TempStore.Config());
        Assert.Throws<InvalidOperationException>(() => Store.Requeue(id));
        Store.ClaimNext(WorkerIdentity.Current);
        Store.RecordCheckpoint(id, new CheckpointInfo(Path.Combine(Temp.Root, "runs", $"{id}", "checkpoints", "last.safetensors"), 1, 2, 12));
        Store.Finish(id, RunStatus.Stopped, "stopped at step 12");
        Store.Requeue(id);
        var run = Store.Find(id)!;
        Assert.Equal(RunStatus.Queued, run.Status);
        Assert.Equal("queued to resume from step 12", run.Message);
        Assert.Equal($"runs/{id}/checkpoints/last.safetensors", run.CheckpointPath);
        Assert.Equal(new CheckpointInfo(Path.Combine(Temp.Root, run.CheckpointPath!), 1, 2, 12), Store.LastCheckpoint(run));
    }

    [SkippableFact]
    public void Recovery_marks_interrupted_exactly_the_runs_whose_lease_ran_out_whatever_host_and_process()
    {
        var here = WorkerIdentity.Current; // alive, on this host: only its lease counts
        var remote = new WorkerIdentity("other-host", 4242, DateTime.UtcNow).Named("gpu-box-1");
        long expiredHere = Claim(here), expiredRemote = Claim(remote), freshRemote = Claim(remote), freshHere = Claim(here);
        using (var db = Store.CreateContext())
            db.Runs.Where(r => r.Id == expiredHere || r.Id == expiredRemote).ExecuteUpdate(s => s
                .SetProperty(r => r.LeaseExpiresAt, Store.DatabaseNow().AddSeconds(-1))
                .SetProperty(r => r.HeartbeatAt, new DateTime(2026, 12, 1, 12, 0, 0, DateTimeKind.Utc)));

        var recovered = Temp.OpenAnother().RecoverOrphans(); // any process may notice, the lab as well as a worker

        Assert.Equal([expiredHere, expiredRemote], recovered.Order());
        var remoteRun = Store.Find(expiredRemote)!;
        Assert.Equal(RunStatus.Interrupted, remoteRun.Status);
        Assert.Equal("worker gpu-box-1 on host other-host stopped renewing at 2026-12-01 12:00:00Z; resume continues from the start", remoteRun.Message);
        Assert.Equal(RunStatus.Interrupted, Store.Find(expiredHere)!.Status);
        Assert.Equal(RunStatus.Running, Store.Find(freshRemote)!.Status);
        Assert.Equal(RunStatus.Running, Store.Find(freshHere)!.Status);
        Assert.Empty(Store.RecoverOrphans()); // once
    }

    [SkippableFact]
    public void A_lease_not_renewed_expires_the_run_and_another_worker_resumes_it_from_its_checkpoint()
    {
        var first = new WorkerIdentity("host-a", 100, DateTime.UtcNow).Named("worker-a");
        var second = new WorkerIdentity("host-b", 200, DateTime.UtcNow).Named("worker-b");
        var lease = TimeSpan.FromSeconds(3);
        Store.LeaseDuration = lease;
        using var lab = Temp.OpenAnother();
        lab.LeaseDuration = lease;
        Assert.Empty(lab.RecoverOrphans()); // the queries are compiled before the clock matters
        long id = Store.Queue(TempStore.Config());
        var claimed = Store.ClaimNext(first)!;
        Store.RecordCheckpoint(id, new CheckpointInfo(Path.Combine(Temp.Data.RunFolder(id).Checkpoints, "last.safetensors"), 1, 0, 20), first);

        for (int beat = 0; beat < 2; beat++) // renewed past its first lease; checked right after each renewal
        {
            Thread.Sleep(2_000);
            Assert.Empty(Store.Heartbeat(first, [new RunProgress(id, 21 + beat, 1)]).Lost);
            Assert.Empty(lab.RecoverOrphans());
        }
        var renewed = Store.Find(id)!;
        Assert.Equal(("worker-a", "host-a", 100, 22L), (renewed.WorkerId, renewed.WorkerHost, renewed.WorkerPid, renewed.Steps));
        Assert.True(renewed.HeartbeatAt - claimed.HeartbeatAt >= TimeSpan.FromSeconds(4), "held longer than one lease");
        Assert.Equal(renewed.HeartbeatAt + lease, renewed.LeaseExpiresAt);

        Thread.Sleep(lease + TimeSpan.FromMilliseconds(500)); // worker-a stops renewing
        Assert.Equal([id], lab.RecoverOrphans());
        var interrupted = Store.Find(id)!;
        Assert.Equal(RunStatus.Interrupted, interrupted.Status);
        Assert.StartsWith("worker worker-a on host host-a stopped renewing at ", interrupted.Message);
        Assert.EndsWith("; resume continues from step 20", interrupted.Message);

        lab.Requeue(id);
        var resumed = lab.ClaimNext(second)!;
        Assert.Equal((id, "worker-b", 2), (resumed.Id, resumed.WorkerId, resumed.Attempts));
        Assert.Equal(20, lab.LastCheckpoint(resumed)!.Step);
        Assert.Equal([id], Store.Heartbeat(first, [new RunProgress(id, 30, 1)]).Lost); // worker-a learns it lost the run
        Assert.Throws<LeaseLostException>(() => Store.RecordCheckpoint(id, new CheckpointInfo("late.safetensors", 2, 0, 30), first));
        Store.Finish(id, RunStatus.Completed, "late report from worker-a", worker: first);
        var held = Store.Find(id)!;
        Assert.Equal((RunStatus.Running, 22L, 20L), (held.Status, held.Steps, held.CheckpointStep)); // worker-a's late writes changed nothing
        lab.Finish(id, RunStatus.Completed, "done", worker: second);
        Assert.Equal(RunStatus.Completed, Store.Find(id)!.Status);
    }

    [SkippableFact]
    public void A_restart_deletes_only_what_lies_past_the_restart_point()
    {
        long id = Store.Queue(TempStore.Config());
        // steps 0..9 of epochs 0 (steps 0-4) and 1 (steps 5-9); epoch figures for epochs 0 and 1
        for (int s = 0; s < 10; s++) Store.Writer.AddMetric(id, MetricKind.Step, s, s / 5, "loss", s);
        Store.Writer.AddMetric(id, MetricKind.Epoch, 5, 0, "loss", 0.5);
        Store.Writer.AddMetric(id, MetricKind.Epoch, 10, 1, "loss", 0.25);
        Store.Writer.Flush();

        int deleted = Store.DeleteMetricsFrom(id, startStep: 7, startEpoch: 1); // resume mid-epoch 1 at step 7

        Assert.Equal(3 + 1, deleted); // steps 7, 8, 9 and epoch 1's figure
        Assert.Equal([0, 1, 2, 3, 4, 5, 6], Store.Metrics(id, MetricKind.Step).Select(p => p.Step));
        Assert.Equal([0], Store.Metrics(id, MetricKind.Epoch).Select(p => p.Epoch));
    }

    [SkippableFact]
    public void Deleting_a_run_removes_its_rows_and_folder_but_not_other_runs()
    {
        long keep = Store.Queue(TempStore.Config("keep"));
        long gone = Store.Queue(TempStore.Config("gone"));
        long child = Store.Queue(TempStore.Config("child"), new RunOptions(ParentRunId: gone));
        foreach (var id in new[] { keep, gone }) Store.Writer.AddMetric(id, MetricKind.Step, 0, 0, "loss", 1);
        Store.Writer.AddLog(gone, "hello", DateTime.UtcNow);
        Store.Writer.Flush();
        Store.AddNote(gone, "note");
        var folder = Temp.Data.RunFolder(gone).Create();

        Store.Delete(gone);

        Assert.Null(Store.Find(gone));
        Assert.False(Directory.Exists(folder.Root));
        Assert.Empty(Store.Metrics(gone));
        Assert.Empty(Store.Log(gone));
        Assert.Single(Store.Metrics(keep));
        Assert.Null(Store.Find(child)!.ParentRunId);
    }

    [SkippableFact]
    public void A_running_run_cannot_be_deleted()
    {
        long id = Store.Queue(TempStore.Config());
        Store.ClaimNext(WorkerIdentity.Current);
        Assert.Throws<InvalidOperationException>(() => Store.Delete(id));
    }

    [SkippableFact]
    public void The_data_folder_comes_from_the_option_else_the_environment_else_dot_data()
    {
        string? saved = Environment.GetEnvironmentVariable(DataFolder.EnvironmentVariable);
        try
        {
            Environment.SetEnvironmentVariable(DataFolder.EnvironmentVariable, "/tmp/from-env");
            Assert.Equal("/tmp/from-option", DataFolder.Resolve("/tmp/from-option").Root);
            Assert.Equal("/tmp/from-env", DataFolder.Resolve(null).Root);
            Environment.SetEnvironmentVariable(DataFolder.EnvironmentVariable, null);
            Assert.Equal(Path.Combine(Environment.CurrentDirectory, "data"), DataFolder.Resolve(" ").Root);
        }
        finally
        {
            Environment.SetEnvironmentVariable(DataFolder.EnvironmentVariable, saved);
        }
    }

    private long Claim(WorkerIdentity worker)
    {
        Store.Queue(TempStore.Config());
        return Store.ClaimNext(worker)!.Id;
    }
}

/// <summary>The suite on the data folder's SQLite file.</summary>
public sealed class SqliteRunStoreTests() : RunStoreTests(StoreProvider.Sqlite);

/// <summary>The suite on PostgreSQL (skipped without a server; see <see cref="TestPostgres"/>).</summary>
public sealed class PostgresRunStoreTests() : RunStoreTests(StoreProvider.Postgres);
