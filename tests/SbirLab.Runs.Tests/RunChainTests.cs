using SbirLab.Core.Configs;
using SbirLab.Core.Runs;
using SbirLab.Store;
using SbirLab.Store.Accounts;

namespace SbirLab.Runs.Tests;

/// <summary>Run chains: a pipeline queued at once, a run that waits for its inputs, and one that fails with its input.</summary>
public sealed class RunChainTests : IDisposable
{
    private readonly TempStore _temp = new();
    private readonly RunService _service;

    public RunChainTests() => _service = new RunService(_temp.Store, heartbeatInterval: TimeSpan.FromMilliseconds(100));

    private RunStore Store => _temp.Store;

    public void Dispose()
    {
        _service.Dispose();
        _temp.Dispose();
    }

    /// <summary>Seed 000's shape: pretrain a sketch backbone, pretrain a photo backbone, train the two-branch network from both.</summary>
    private static Pipeline SeedZero() => new("seed-000", "per-domain pretraining, then the siamese network",
    [
        TempStore.Config("pretrain-sketch"),
        TempStore.Config("pretrain-photo"),
        TempStore.Config("siamese") with { Model = new ModelConfig { Siamese = SiameseKind.TwoBranch, PretrainedSketch = "pretrain-sketch", PretrainedPhoto = "pretrain-photo" } },
    ]);

    private static WorkerIdentity Worker => WorkerIdentity.Current;

    [Fact]
    public void A_queued_pipeline_pins_each_reference_to_the_run_queued_with_it_and_its_last_run_waits_for_both()
    {
        Store.Queue(TempStore.Config("pretrain-sketch")); // an older run of the same name, not the chain's
        var ids = _service.QueuePipeline(Caller.DataFolderOwner, SeedZero());

        var siamese = Store.Find(ids[2])!;
        var config = ConfigJson.ParseUnvalidated(siamese.ConfigJson);
        Assert.Equal($"#{ids[0]}", config.Model.PretrainedSketch);
        Assert.Equal($"#{ids[1]}", config.Model.PretrainedPhoto);
        Assert.Equal($"waiting for #{ids[0]}, #{ids[1]}", siamese.Message);
        Assert.All(ids, id => Assert.Contains("pipeline:seed-000", Store.Find(id)!.Tags.Select(t => t.Name)));
        using var db = Store.CreateContext();
        Assert.Equal([ids[2]], RunInputs.ChildrenOf(db, ids[0]).Select(r => r.Id));
        Assert.Equal([ids[2]], RunInputs.ChildrenOf(db, ids[1]).Select(r => r.Id));
        Assert.Empty(RunInputs.ChildrenOf(db, ids[2]));
    }

    [Fact]
    public void A_pipeline_is_checked_once_per_run_and_a_bad_last_run_queues_none_of_it()
    {
        using (var trace = new ValidationTrace())
        {
            _service.QueuePipeline(Caller.DataFolderOwner, SeedZero());
            Assert.Equal(["pretrain-sketch", "pretrain-photo", "siamese"], trace.AtEnqueue);
        }
        int queued = Store.List().Count;

        var badLast = SeedZero() with { Runs = [.. SeedZero().Runs.Take(2), SeedZero().Runs[2] with { Batch = new BatchConfig { Size = 1 } }] };
        using (var trace = new ValidationTrace())
        {
            var e = Assert.Throws<ConfigException>(() => _service.QueuePipeline(Caller.DataFolderOwner, badLast));
            Assert.Equal("runs[2].batch.size", Assert.Single(e.Errors).Field);
            Assert.Equal(["pretrain-sketch", "pretrain-photo", "siamese"], trace.AtEnqueue);
        }
        Assert.Equal(queued, Store.List().Count); // neither of the two valid runs before it was queued
    }

    [Fact]
    public void A_run_starts_only_when_its_inputs_complete_and_its_message_follows_what_it_waits_for()
    {
        var ids = _service.QueuePipeline(Caller.DataFolderOwner, SeedZero());
        Assert.Equal(ids[0], Store.ClaimNext(Worker)!.Id);
        Assert.Equal(ids[1], Store.ClaimNext(Worker)!.Id);
        Assert.Null(Store.ClaimNext(Worker)); // the siamese run waits: both inputs are running

        Store.Finish(ids[0], RunStatus.Completed, "completed");
        Assert.Null(Store.ClaimNext(Worker));
        Assert.Equal($"waiting for #{ids[1]}", Store.Find(ids[2])!.Message);

        Store.Finish(ids[1], RunStatus.Completed, "completed");
        Assert.Equal(ids[2], Store.ClaimNext(Worker)!.Id);
    }

    [Fact]
    public void A_run_whose_input_fails_fails_with_the_input_named_and_so_does_its_own_child()
    {
        var ids = _service.QueuePipeline(Caller.DataFolderOwner, SeedZero() with
        {
            Runs = [.. SeedZero().Runs, TempStore.Config("fine-tune") with { Model = new ModelConfig { InitFrom = "siamese" } }],
        });
        var failedIds = new List<long>();
        Store.ClaimNext(Worker);
        Store.Finish(ids[0], RunStatus.Failed, "failed: out of memory");

        Assert.Equal(ids[1], Store.ClaimNext(Worker, (id, _) => failedIds.Add(id))!.Id);

        var siamese = Store.Find(ids[2])!;
        Assert.Equal(RunStatus.Failed, siamese.Status);
        Assert.Equal($"input run #{ids[0]} (pretrain-sketch) of model.pretrainedSketch failed: failed: out of memory", siamese.Message);
        Assert.Equal(RunStatus.Failed, Store.Find(ids[3])!.Status);
        Assert.StartsWith($"input run #{ids[2]} (siamese) of model.initFrom failed", Store.Find(ids[3])!.Message);
        Assert.Equal([ids[2], ids[3]], failedIds);
    }

    [Fact]
    public void A_stopped_input_keeps_its_children_waiting_until_it_is_resumed()
    {
        var ids = _service.QueuePipeline(Caller.DataFolderOwner, SeedZero());
        Store.ClaimNext(Worker);
        Store.Finish(ids[0], RunStatus.Stopped, "stopped at step 3");
        Store.Finish(Store.ClaimNext(Worker)!.Id, RunStatus.Completed, "completed");

        Assert.Null(Store.ClaimNext(Worker));
        Assert.Equal(RunStatus.Queued, Store.Find(ids[2])!.Status);
        Assert.Equal($"waiting for #{ids[0]} (stopped; resume it)", Store.Find(ids[2])!.Message);

        Store.Requeue(ids[0]);
        Store.Finish(Store.ClaimNext(Worker)!.Id, RunStatus.Completed, "completed");
        Assert.Equal(ids[2], Store.ClaimNext(Worker)!.Id);
    }

    [Fact]
    public void A_chain_with_a_reference_it_cannot_satisfy_is_refused_whole_naming_the_run_and_field()
    {
        var broken = SeedZero() with
        {
            Runs = [SeedZero().Runs[2], SeedZero().Runs[0], SeedZero().Runs[1]], // the siamese run first: its inputs come later
        };
        var e = Assert.Throws<ConfigException>(() => _service.QueuePipeline(Caller.DataFolderOwner, broken));
        Assert.Contains(e.Errors, x => x.Field == "runs[0].model.pretrainedSketch" && x.Allowed.StartsWith("an earlier run of the pipeline", StringComparison.Ordinal));
        Assert.Empty(Store.List());

        var unknown = SeedZero() with { Runs = [TempStore.Config("a") with { Model = new ModelConfig { InitFrom = "nowhere" } }] };
        e = Assert.Throws<ConfigException>(() => _service.QueuePipeline(Caller.DataFolderOwner, unknown));
        Assert.Equal("runs[0].model.initFrom", Assert.Single(e.Errors).Field);
        Assert.Empty(Store.List());
    }

    [Fact]
    public async Task A_worker_trains_the_whole_chain_in_order_and_hands_the_last_run_its_inputs_folders()
    {
        var executor = new ScriptedExecutor(epochs: 1, stepsPerEpoch: 2);
        using var trace = new ValidationTrace();
        var ids = _service.QueuePipeline(Caller.DataFolderOwner, SeedZero());

        using (var worker = new RunWorker(_service, executor, new RunWorkerOptions { ExitWhenIdle = true }))
        {
            await worker.StartAsync(CancellationToken.None);
            await worker.ExecuteTask!.WaitAsync(TimeSpan.FromSeconds(30));
        }

        // Two boundaries, each run checked once at each: when the chain is queued, and when a worker starts the run.
        Assert.Equal(["pretrain-sketch", "pretrain-photo", "siamese"], trace.AtEnqueue);
        Assert.Equal(["pretrain-sketch", "pretrain-photo", "siamese"], trace.AtStart);

        Assert.Equal(["pretrain-sketch", "pretrain-photo", "siamese"], executor.Starts.Select(s => s.Name));
        Assert.All(ids, id => Assert.Equal(RunStatus.Completed, Store.Find(id)!.Status));
        Assert.Equal(_temp.Data.RunFolder(ids[0]).Root, executor.Configs[2].Model.PretrainedSketch);
        Assert.Equal(_temp.Data.RunFolder(ids[1]).Root, executor.Configs[2].Model.PretrainedPhoto);
    }
}
