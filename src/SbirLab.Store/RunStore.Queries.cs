using Microsoft.EntityFrameworkCore;
using SbirLab.Core.Configs;
using SbirLab.Core.Runs;
using SbirLab.Store.Accounts;
using SbirLab.Store.Entities;

namespace SbirLab.Store;

/// <summary>Reading runs, their metrics, log, evaluations, artifacts and config (the runs table's paged query is in RunStore.Pages.cs).</summary>
public sealed partial class RunStore
{
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
}
