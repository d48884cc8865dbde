using System.Text.Json.Nodes;
using Microsoft.EntityFrameworkCore;
using SbirLab.Core.Configs;
using SbirLab.Core.Runs;
using SbirLab.Core.Sweeps;
using SbirLab.Store;
using SbirLab.Store.Accounts;
using SbirLab.Store.Entities;

namespace SbirLab.Runs;

/// <summary>One point of a sweep as it stands: its run, the axis values it ran with, and the sweep's metric (null until logged).</summary>
public sealed record SweepRun(long RunId, string Name, RunStatus Status, IReadOnlyList<SweepValue> Values, double? Metric, int EpochsCompleted);

/// <summary>A sweep with its definition and its points, best first in the sweep's direction.</summary>
public sealed record SweepView(SweepRecord Record, SweepDefinition Definition, IReadOnlyList<SweepRun> Runs)
{
    /// <summary>The point with the best metric; null while no point has one.</summary>
    public SweepRun? Best => Runs.FirstOrDefault(r => r.Metric is { } v && double.IsFinite(v));

    public bool Stopped => Record.StoppedAt is not null;

    /// <summary>"stopped" (by a user), "running" (points queued or training) or "finished".</summary>
    public string State => Stopped ? "stopped" : Runs.Any(r => r.Status is RunStatus.Queued or RunStatus.Running) ? "running" : "finished";
}

/// <summary>
/// Starts, extends, stops and reads sweeps. Each point is queued through <see cref="RunService.Queue"/> as an
/// ordinary run of the sweep's team, tagged <c>sweep:&lt;id&gt;</c>, so every rule of runs (the caller's rights, the
/// queue limit, validation at enqueue and at start) applies to it. Who may read a sweep's team may read the sweep;
/// who may queue in it may start, stop and extend it.
/// </summary>
public sealed class SweepService(RunService runs)
{
    private RunStore Store => runs.Store;
    private AccessPolicy Access => Store.Access;

    /// <summary>Validates the sweep, records it and queues its budget of points in order; throws <see cref="ConfigException"/>, <see cref="AccessDeniedException"/>, <see cref="LimitExceededException"/>.</summary>
    public SweepRecord Start(Caller caller, SweepDefinition definition, long? teamId = null)
    {
        long team = teamId ?? caller.TeamId ?? Team.DefaultId;
        Access.DemandQueue(caller, team, TeamName(team));
        SweepValidator.EnsureValid(definition, Store.Data.Limits);
        EnsureQueueRoom(definition.Budget);
        SweepRecord record;
        using (var db = Store.CreateContext())
        {
            record = new SweepRecord
            {
                Name = definition.Name,
                DefinitionJson = SweepJson.Serialize(definition),
                TeamId = team,
                Budget = definition.Budget,
                CreatedAt = DateTime.UtcNow,
            };
            db.Sweeps.Add(record);
            db.SaveChanges();
        }
        QueuePoints(caller, record, definition);
        return Find(caller, record.Id).Record;
    }

    /// <summary>Adds <paramref name="more"/> points to the budget and queues them (a stopped sweep runs again); returns the new run ids.</summary>
    public IReadOnlyList<long> Extend(Caller caller, long sweepId, int more)
    {
        var record = Managed(caller, sweepId);
        if (more is < 1 or > SweepValidator.MaxBudget) throw new ConfigException([new ConfigError("more", more.ToString(System.Globalization.CultureInfo.InvariantCulture), $"an integer in [1, {SweepValidator.MaxBudget}]")]);
        var definition = SweepJson.Deserialize(record.DefinitionJson);
        int budget = record.Budget + more;
        long most = Math.Min(SweepValidator.MaxBudget, SweepPoints.GridSize(definition) ?? long.MaxValue);
        if (budget > most)
            throw new ConfigException([new ConfigError("more", more.ToString(System.Globalization.CultureInfo.InvariantCulture),
                $"at most {most - record.Budget} more (" + (SweepPoints.GridSize(definition) is { } grid ? $"the grid has {grid} points" : $"a sweep has at most {SweepValidator.MaxBudget}") + ")")]);
        EnsureQueueRoom(budget - record.PointsQueued);
        using (var db = Store.CreateContext())
            db.Sweeps.Where(s => s.Id == sweepId).ExecuteUpdate(s => s.SetProperty(x => x.Budget, budget).SetProperty(x => x.StoppedAt, (DateTime?)null));
        record.Budget = budget;
        return QueuePoints(caller, record, definition);
    }

    /// <summary>Stops the sweep: its queued points are stopped before they start (running points finish); returns how many were cancelled.</summary>
    public int Stop(Caller caller, long sweepId)
    {
        var record = Managed(caller, sweepId);
        using (var db = Store.CreateContext())
            db.Sweeps.Where(s => s.Id == sweepId).ExecuteUpdate(s => s.SetProperty(x => x.StoppedAt, DateTime.UtcNow));
        var queued = Store.List(new RunQuery(Status: RunStatus.Queued, Tag: record.Tag));
        foreach (var run in queued) runs.Stop(caller, run.Id);
        return queued.Count;
    }

    /// <summary>The sweeps the caller may read, newest first.</summary>
    public IReadOnlyList<SweepRecord> List(Caller caller)
    {
        using var db = Store.CreateContext();
        return [.. db.Sweeps.AsNoTracking().Include(s => s.Team).OrderByDescending(s => s.Id).AsEnumerable().Where(s => Access.CanRead(caller, s.TeamId))];
    }

    /// <summary>A sweep with its points; <see cref="KeyNotFoundException"/> when there is none the caller may read.</summary>
    public SweepView Find(Caller caller, long sweepId)
    {
        var record = Readable(caller, sweepId);
        var definition = SweepJson.Deserialize(record.DefinitionJson);
        var points = Store.List(new RunQuery(Tag: record.Tag, ReadableBy: caller))
            .Select(run => PointOf(run, definition))
            .BestFirst(definition.Direction, p => p.Metric).ThenBy(p => p.RunId).ToList();
        return new SweepView(record, definition, points);
    }

    private SweepRun PointOf(RunRecord run, SweepDefinition definition)
    {
        var config = JsonNode.Parse(run.ConfigJson);
        var values = definition.Axes.Select(a => new SweepValue(a.Field, ValueAt(config, a.Field))).ToList();
        double? metric = Store.LatestMetrics(run.Id, MetricKind.Epoch).TryGetValue(definition.Metric, out var v) ? v : null;
        return new SweepRun(run.Id, run.Name, run.Status, values, metric, run.EpochsCompleted);
    }

    private static JsonNode? ValueAt(JsonNode? node, string field)
    {
        foreach (var part in field.Split('.')) node = node is JsonObject o ? o[part] : null;
        return node?.DeepClone();
    }

    private List<long> QueuePoints(Caller caller, SweepRecord record, SweepDefinition definition)
    {
        var ids = new List<long>();
        for (int index = record.PointsQueued; index < record.Budget; index++)
        {
            var point = SweepPoints.At(definition, index);
            ids.Add(runs.Queue(caller, point.Config, experiment: definition.Name, tags: [record.Tag], teamId: record.TeamId));
            using var db = Store.CreateContext(); // counted one by one: a failure part-way leaves the sweep able to continue
            db.Sweeps.Where(s => s.Id == record.Id).ExecuteUpdate(s => s.SetProperty(x => x.PointsQueued, index + 1));
        }
        return ids;
    }

    private void EnsureQueueRoom(int points)
    {
        int limit = Store.Data.Limits.QueuedRunsFor(team: null);
        using var db = Store.CreateContext();
        int queued = db.Runs.Count(r => r.Status == RunStatus.Queued);
        if (queued + points > limit)
            throw new LimitExceededException($"the sweep needs {points} queue places; the queue holds {queued} runs and the limit is {limit} ({HostLimits.QueuedVariable}): lower the budget or wait");
    }

    private SweepRecord Readable(Caller caller, long sweepId)
    {
        using var db = Store.CreateContext();
        var record = db.Sweeps.AsNoTracking().Include(s => s.Team).FirstOrDefault(s => s.Id == sweepId);
        if (record is null || !Access.CanRead(caller, record.TeamId)) throw new KeyNotFoundException($"no sweep with id {sweepId}");
        return record;
    }

    private SweepRecord Managed(Caller caller, long sweepId)
    {
        var record = Readable(caller, sweepId);
        if (!Access.Allows(caller, RunAction.Manage, record.TeamId))
            throw new AccessDeniedException($"{caller} may not stop or extend sweep {sweepId} of team {record.Team?.Name ?? TeamName(record.TeamId)}");
        return record;
    }

    private string TeamName(long teamId)
    {
        using var db = Store.CreateContext();
        return db.Teams.Where(t => t.Id == teamId).Select(t => t.Name).FirstOrDefault() ?? throw new KeyNotFoundException($"no team with id {teamId}");
    }
}
