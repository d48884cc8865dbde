using SbirLab.Core.Configs;
using SbirLab.Core.Runs;

namespace SbirLab.Store.Tests;

/// <summary><see cref="RunStore.QueueChain"/>: a pipeline checked once per run at the queue and queued in one transaction, whole or not at all.</summary>
public abstract class RunChainQueueTests(StoreProvider provider) : IDisposable
{
    private readonly Lazy<TempStore> _temp = new(() => new TempStore(provider: provider));

    /// <summary>The store, created on first use inside a test so that a PostgreSQL case without a server is skipped.</summary>
    private TempStore Temp => _temp.Value;

    private RunStore Store => Temp.Store;

    public void Dispose()
    {
        if (_temp.IsValueCreated) _temp.Value.Dispose();
    }

    /// <summary>Seed 000's shape: two pretraining runs, then the two-branch network from both.</summary>
    private static Pipeline SeedZero(RunConfig? last = null) => new("seed-000", null,
    [
        TempStore.Config("pretrain-sketch") with { Tags = ["sketch"] },
        TempStore.Config("pretrain-photo"),
        last ?? TempStore.Config("siamese") with { Model = new ModelConfig { Siamese = SiameseKind.TwoBranch, PretrainedSketch = "pretrain-sketch", PretrainedPhoto = "pretrain-photo" } },
    ]);

    [SkippableFact]
    public void A_valid_chain_is_queued_in_order_with_its_references_pinned_to_the_runs_queued_with_it()
    {
        long older = Store.Queue(TempStore.Config("pretrain-sketch")); // an older run of the same name, not the chain's
        long store = Store.Queue(TempStore.Config("imagenet"));
        var pipeline = SeedZero() with
        {
            Runs = [.. SeedZero().Runs, TempStore.Config("fine-tune") with { Model = new ModelConfig { InitFrom = "imagenet" } }],
        };

        var ids = Store.QueueChain(pipeline, new RunOptions(Experiment: "chain", Tags: ["mine"]));

        Assert.Equal(4, ids.Count);
        Assert.True(ids[0] > store && ids[1] > ids[0] && ids[2] > ids[1] && ids[3] > ids[2]);
        var runs = ids.Select(id => Store.Find(id)!).ToList();
        Assert.Equal(["pretrain-sketch", "pretrain-photo", "siamese", "fine-tune"], runs.Select(r => r.Name));
        Assert.All(runs, r => Assert.Equal(RunStatus.Queued, r.Status));
        Assert.All(runs, r => Assert.Equal("chain", r.Experiment!.Name));
        Assert.Equal(["mine", "pipeline:seed-000", "sketch"], runs[0].Tags.Select(t => t.Name).Order());
        Assert.Equal(["mine", "pipeline:seed-000"], runs[1].Tags.Select(t => t.Name).Order());
        var siamese = ConfigJson.ParseUnvalidated(runs[2].ConfigJson);
        Assert.Equal($"#{ids[0]}", siamese.Model.PretrainedSketch);
        Assert.Equal($"#{ids[1]}", siamese.Model.PretrainedPhoto);
        Assert.Equal($"#{store}", ConfigJson.ParseUnvalidated(runs[3].ConfigJson).Model.InitFrom); // a store run by name, pinned too
        Assert.Equal($"waiting for #{ids[0]}, #{ids[1]}", runs[2].Message);
        Assert.Equal($"waiting for #{store}", runs[3].Message);
        using var db = Store.CreateContext();
        Assert.Equal([ids[2]], RunInputs.ChildrenOf(db, ids[0]).Select(r => r.Id));
        Assert.Equal([ids[2]], RunInputs.ChildrenOf(db, ids[1]).Select(r => r.Id));
        Assert.Empty(RunInputs.ChildrenOf(db, older));
        Assert.Equal([ids[3]], RunInputs.ChildrenOf(db, store).Select(r => r.Id));
    }

    [SkippableFact]
    public void A_chain_whose_last_run_is_invalid_queues_none_of_its_runs_and_names_that_run_and_field()
    {
        var bad = TempStore.Config("siamese") with { Loss = new LossConfig { Margin = 5 } };

        var refused = Assert.Throws<ConfigException>(() => Store.QueueChain(SeedZero(bad), new RunOptions(Experiment: "chain")));

        var error = Assert.Single(refused.Errors);
        Assert.Equal("runs[2].loss.margin", error.Field);
        Assert.Equal("a number in [0, 4]", error.Allowed);
        Assert.Empty(Store.List()); // the first two runs, inserted before the third was checked, were rolled back
        using var db = Store.CreateContext();
        Assert.Empty(db.Experiments);
        Assert.Empty(db.Tags);
        long after = Store.Queue(TempStore.Config("later")); // the store works on after the rollback
        Assert.Equal(["later"], Store.List().Select(r => r.Name));
        Assert.Equal(RunStatus.Queued, Store.Find(after)!.Status);
    }

    [SkippableFact]
    public void A_last_run_naming_a_run_that_does_not_exist_refuses_the_chain_with_that_field()
    {
        var lost = TempStore.Config("siamese") with { Model = new ModelConfig { PretrainedSketch = "pretrain-sketch", InitFrom = "nowhere" } };

        var refused = Assert.Throws<ConfigException>(() => Store.QueueChain(SeedZero(lost)));

        var error = Assert.Single(refused.Errors);
        Assert.Equal("runs[2].model.initFrom", error.Field);
        Assert.EndsWith("no run of this store is called nowhere", error.Allowed, StringComparison.Ordinal);
        Assert.Empty(Store.List());
    }

    [SkippableFact]
    public void Each_run_is_checked_once_at_the_queue_and_a_refused_run_is_reported_once()
    {
        using (var trace = new ValidationTrace())
        {
            Store.QueueChain(SeedZero());
            Assert.Equal(["pretrain-sketch", "pretrain-photo", "siamese"], trace.AtEnqueue);
        }

        // The middle run is refused; the last, which takes its weights, is still checked (once), and its reference to
        // the refused run is not reported again.
        var badMiddle = SeedZero() with
        {
            Runs = [SeedZero().Runs[0], TempStore.Config("pretrain-photo") with { Seed = -1 }, SeedZero().Runs[2] with { Loss = new LossConfig { Margin = 5 } }],
        };
        using (var trace = new ValidationTrace())
        {
            var refused = Assert.Throws<ConfigException>(() => Store.QueueChain(badMiddle));
            Assert.Equal(["runs[1].seed", "runs[2].loss.margin"], refused.Errors.Select(e => e.Field));
            Assert.Equal(["pretrain-sketch", "pretrain-photo", "siamese"], trace.AtEnqueue);
        }
        Assert.Equal(3, Store.List().Count); // only the first chain
    }

    [SkippableFact]
    public void A_chain_whose_run_names_a_later_one_is_refused_before_anything_is_inserted()
    {
        var backwards = SeedZero() with { Runs = [SeedZero().Runs[2], SeedZero().Runs[0], SeedZero().Runs[1]] };

        using var trace = new ValidationTrace();
        var refused = Assert.Throws<ConfigException>(() => Store.QueueChain(backwards));

        Assert.Equal(["runs[0].model.pretrainedSketch", "runs[0].model.pretrainedPhoto"], refused.Errors.Select(e => e.Field));
        Assert.Equal(["siamese", "pretrain-sketch", "pretrain-photo"], trace.AtEnqueue);
        Assert.Empty(Store.List());
    }

    [SkippableFact]
    public void A_chain_longer_than_the_room_left_in_the_queue_queues_nothing()
    {
        using var small = new TempStore(roots => new HostLimits(roots, long.MaxValue, MaxQueuedRuns: 2, TimeSpan.FromHours(1)), provider);

        var refused = Assert.Throws<LimitExceededException>(() => small.Store.QueueChain(SeedZero()));

        Assert.Contains("no room for 3 more", refused.Message, StringComparison.Ordinal);
        Assert.Empty(small.Store.List());
    }
}

/// <summary>The suite on the data folder's SQLite file.</summary>
public sealed class SqliteRunChainQueueTests() : RunChainQueueTests(StoreProvider.Sqlite);

/// <summary>The suite on PostgreSQL (skipped without a server; see <see cref="TestPostgres"/>).</summary>
public sealed class PostgresRunChainQueueTests() : RunChainQueueTests(StoreProvider.Postgres);
