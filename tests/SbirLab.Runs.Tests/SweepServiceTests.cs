using System.Text.Json.Nodes;
using SbirLab.Core.Configs;
using SbirLab.Core.Runs;
using SbirLab.Core.Sweeps;
using SbirLab.Store;
using SbirLab.Store.Accounts;
using SbirLab.Store.Entities;

namespace SbirLab.Runs.Tests;

public sealed class SweepServiceTests : IDisposable
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(20);
    private readonly TempStore _temp = new();
    private readonly RunService _runs;
    private readonly SweepService _sweeps;

    public SweepServiceTests()
    {
        _runs = new RunService(_temp.Store, heartbeatInterval: TimeSpan.FromMilliseconds(100));
        _sweeps = new SweepService(_runs);
    }

    private RunStore Store => _temp.Store;

    public void Dispose()
    {
        _runs.Dispose();
        _temp.Dispose();
    }

    private static SweepDefinition Grid(params double[] margins) => new()
    {
        Name = "margins",
        Base = TempStore.Config("base") with { Training = new TrainingConfig { Epochs = 3 } },
        Search = SweepSearch.Grid,
        Budget = margins.Length,
        Axes = [new SweepAxis { Field = "loss.margin", Values = [.. margins.Select(m => (JsonNode?)m)] }],
    };

    /// <summary>An executor whose epoch figure "map" is the run's margin: the sweep's ranking is known in advance.</summary>
    private static ScriptedExecutor MarginIsMap() => new(epochs: 3, stepsPerEpoch: 2)
    {
        EpochFigures = (config, _) => new Dictionary<string, double> { ["map"] = config.Loss.Margin },
    };

    [Fact]
    public async Task A_sweep_queues_its_budget_in_order_as_tagged_runs_that_the_worker_trains_and_ranks_them()
    {
        var record = _sweeps.Start(Caller.DataFolderOwner, Grid(0.2, 0.4, 0.1) with { Budget = 2 });
        var executor = MarginIsMap();

        await RunUntilIdle(executor);

        Assert.Equal(2, record.PointsQueued);
        Assert.Equal([0.2, 0.4], executor.Configs.Select(c => c.Loss.Margin));
        Assert.Equal(["margins-001", "margins-002"], executor.Configs.Select(c => c.Name));
        var view = _sweeps.Find(Caller.DataFolderOwner, record.Id);
        Assert.All(view.Runs, r => Assert.Equal(RunStatus.Completed, r.Status));
        Assert.All(view.Runs, r => Assert.Contains(Store.Find(r.RunId)!.Tags, t => t.Name == record.Tag));
        Assert.Equal("margins-002", view.Best!.Name);
        Assert.Equal(0.4, view.Best.Metric);
        Assert.Equal("0.4", view.Best.Values.Single().Value!.ToJsonString());
    }

    [Fact]
    public void Stop_cancels_the_queued_points_and_extend_queues_the_next_ones()
    {
        var record = _sweeps.Start(Caller.DataFolderOwner, Grid(0.1, 0.2, 0.3, 0.4, 0.5) with { Budget = 3 });

        Assert.Equal(3, _sweeps.Stop(Caller.DataFolderOwner, record.Id));
        Assert.All(_sweeps.Find(Caller.DataFolderOwner, record.Id).Runs, r => Assert.Equal(RunStatus.Stopped, r.Status));
        Assert.True(_sweeps.Find(Caller.DataFolderOwner, record.Id).Stopped);

        var added = _sweeps.Extend(Caller.DataFolderOwner, record.Id, 2);

        Assert.Equal(2, added.Count);
        Assert.Equal(["margins-004", "margins-005"], added.Select(id => Store.Find(id)!.Name));
        Assert.Equal([0.4, 0.5], added.Select(id => Store.Config(id).Loss.Margin));
        var view = _sweeps.Find(Caller.DataFolderOwner, record.Id);
        Assert.False(view.Stopped);
        Assert.Equal(5, view.Record.Budget);
        var e = Assert.Throws<ConfigException>(() => _sweeps.Extend(Caller.DataFolderOwner, record.Id, 1));
        Assert.Contains("the grid has 5 points", e.Errors.Single().Allowed);
    }

    [Fact]
    public void The_run_rules_apply_to_sweeps_team_by_team()
    {
        long red = AddTeam("red"), blue = AddTeam("blue");
        var ray = new Caller("u-red", "ray", LabRoles.Member, red, "red");
        var bea = new Caller("u-blue", "bea", LabRoles.Member, blue, "blue");
        var gus = new Caller("u-grader", "gus", LabRoles.Grader);

        var record = _sweeps.Start(ray, Grid(0.1, 0.2));

        Assert.Equal(red, record.TeamId);
        Assert.All(_sweeps.Find(ray, record.Id).Runs, r => Assert.Equal(red, Store.Find(r.RunId)!.TeamId));
        Assert.Throws<AccessDeniedException>(() => _sweeps.Start(gus, Grid(0.1)));
        Assert.Throws<AccessDeniedException>(() => _sweeps.Start(bea, Grid(0.1), teamId: red));
        Assert.Throws<KeyNotFoundException>(() => _sweeps.Find(bea, record.Id));
        Assert.Throws<KeyNotFoundException>(() => _sweeps.Stop(bea, record.Id));
        Assert.Empty(_sweeps.List(bea));
        Assert.Equal(2, _sweeps.Find(gus, record.Id).Runs.Count);
        Assert.Throws<AccessDeniedException>(() => _sweeps.Stop(gus, record.Id));
        Assert.Equal(2, _sweeps.Stop(ray, record.Id));
    }

    [Fact]
    public void A_sweep_that_does_not_fit_the_queue_is_refused_before_anything_is_queued()
    {
        using var small = new TempStore(roots => new HostLimits(roots, 1L << 40, MaxQueuedRuns: 3, TimeSpan.FromHours(1)));
        using var runs = new RunService(small.Store);

        var e = Assert.Throws<LimitExceededException>(() => new SweepService(runs).Start(Caller.DataFolderOwner, Grid(0.1, 0.2, 0.3, 0.4)));

        Assert.Contains("needs 4 queue places", e.Message);
        Assert.Empty(small.Store.List());
    }

    [Fact]
    public async Task The_median_rule_stops_a_point_worse_than_the_median_of_the_others_after_its_epoch()
    {
        var sweep = Grid(0.4, 0.3, 0.2, 0.5) with { MedianStop = new MedianStopRule { AtEpoch = 1, MinRuns = 2 } };
        var record = _sweeps.Start(Caller.DataFolderOwner, sweep);

        await RunUntilIdle(MarginIsMap());

        var byName = _sweeps.Find(Caller.DataFolderOwner, record.Id).Runs.ToDictionary(r => r.Name);
        // 0.4 and 0.3 ran before two others had reached epoch 1; 0.2 < median(0.4, 0.3); 0.5 > median(0.4, 0.3, 0.2)
        Assert.Equal(RunStatus.Completed, byName["margins-001"].Status);
        Assert.Equal(RunStatus.Completed, byName["margins-002"].Status);
        Assert.Equal(RunStatus.Stopped, byName["margins-003"].Status);
        Assert.Equal(RunStatus.Completed, byName["margins-004"].Status);
        var stopped = Store.Find(byName["margins-003"].RunId)!;
        Assert.Equal(1, stopped.EpochsCompleted);
        Assert.StartsWith($"median stopping rule of sweep {record.Id}: map 0.2 after epoch 1 is worse than the median 0.35 of 2 other points", stopped.Message);
        Assert.Contains(stopped.Tags, t => t.Name == "median-stopped");
        Assert.Contains(Store.Log(stopped.Id), l => l.Text.StartsWith("median stopping rule", StringComparison.Ordinal));
    }

    private long AddTeam(string name)
    {
        using var db = Store.CreateContext();
        var team = new Team { Name = name, CreatedAt = DateTime.UtcNow };
        db.Teams.Add(team);
        db.SaveChanges();
        return team.Id;
    }

    private async Task RunUntilIdle(IRunExecutor executor)
    {
        using var worker = new RunWorker(_runs, executor, new RunWorkerOptions { ExitWhenIdle = true, MaxConcurrentRuns = 1 });
        await worker.StartAsync(CancellationToken.None);
        await worker.ExecuteTask!.WaitAsync(Patience);
    }
}
