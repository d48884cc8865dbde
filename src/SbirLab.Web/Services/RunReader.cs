using System.Globalization;
using Microsoft.EntityFrameworkCore;
using SbirLab.Core.Configs;
using SbirLab.Core.Evaluations;
using SbirLab.Core.Runs;
using SbirLab.Engine.Training;
using SbirLab.Store;
using SbirLab.Store.Accounts;
using SbirLab.Store.Entities;

namespace SbirLab.Web.Services;

/// <summary>A run's evaluation as the report view shows it, with the run's embedding maps (t-SNE first; none when it has none).</summary>
public sealed record RunEvaluation(EvaluationFile File, IReadOnlyList<EmbeddingMapData> Maps, DateTime? Created);

/// <summary>A run's place in a chain: the runs it takes weights from and the runs that take its weights (those the caller may read).</summary>
public sealed record RunLinks(IReadOnlyList<RunInput> Inputs, IReadOnlyList<RunRecord> Children)
{
    public bool IsEmpty => Inputs.Count == 0 && Children.Count == 0;
}

/// <summary>What a weight field may take: a run of the store ("#12") or a weights file in the data folder's weights root.</summary>
public sealed record WeightSource(string Value, string Label);

/// <summary>
/// What the pages read about runs, over the run store (the run's one history: metrics, log, evaluations, maps,
/// provenance; its folder only for pictures). It only reads: every change goes through <see cref="SbirLab.Runs.RunService"/>.
/// Every read names its caller and returns only what the caller may read (<see cref="AccessPolicy"/>): a run the
/// caller may not read is one that does not exist (null, or <see cref="KeyNotFoundException"/>).
/// The runs table reads a page at a time (<see cref="Page"/>: sorted, filtered and paged in the database); the charts
/// read whole curves through one shared, bounded <see cref="CurveCache"/>.
/// </summary>
public sealed class RunReader(RunStore store)
{
    private readonly CurveCache _curves = new(store);

    /// <summary>The bytes of curves held for the charts (bounded by <see cref="CurveCache.DefaultBytes"/>).</summary>
    public long CurveBytes => _curves.Bytes;

    /// <summary>One page of the runs table, of the runs the caller may read.</summary>
    public RunRowPage Page(Caller caller, RunPageQuery query)
    {
        var page = store.Page(query with { ReadableBy = caller });
        return new RunRowPage(page.Rows.Select(r => ToRow(caller, r.Run, (r.BestMap, r.LastMap))).ToList(), page.Total);
    }

    public IReadOnlyList<RunRow> List(Caller caller)
    {
        var runs = store.List(new RunQuery(ReadableBy: caller));
        var maps = MapsByRun();
        return runs.Select(r => ToRow(caller, r, maps.GetValueOrDefault(r.Id))).ToList();
    }

    public RunRow? Row(Caller caller, long runId) => Find(caller, runId) is { } run ? ToRow(caller, run, MapsByRun(runId).GetValueOrDefault(runId)) : null;

    /// <summary>The run with its team, tags and notes; null when there is none the caller may read.</summary>
    public RunRecord? Find(Caller caller, long runId) =>
        store.Find(runId) is { } run && store.Access.Allows(caller, RunAction.Read, run) ? run : null;

    /// <summary>The runs of <paramref name="ids"/> that the caller may read (with team and tags), in one query, in the order given.</summary>
    public IReadOnlyList<RunRecord> FindMany(Caller caller, IReadOnlyCollection<long> ids)
    {
        var found = store.List(new RunQuery(ReadableBy: caller, Ids: ids)).ToDictionary(r => r.Id);
        return [.. ids.Where(found.ContainsKey).Select(id => found[id])];
    }

    /// <summary>Whether the caller may do <paramref name="action"/> with the run (what the pages show buttons for; the services check again).</summary>
    public bool Allows(Caller caller, RunAction action, RunRecord run) => store.Access.Allows(caller, action, run);

    public RunConfig Config(Caller caller, long runId)
    {
        Demand(caller, runId);
        return store.Config(runId);
    }

    /// <summary>The run's curves (of one kind when given).</summary>
    public MetricHistory History(Caller caller, long runId, MetricKind? kind = null) => Fill(caller, runId, new MetricHistory(), kind);

    /// <summary>
    /// Merges the run's curves from the store into <paramref name="history"/> (filling what a live stream skipped): epoch
    /// points as rows (few, and their end steps count), step curves through the store's series reads (fast at 100,000 steps).
    /// </summary>
    public MetricHistory Fill(Caller caller, long runId, MetricHistory history, MetricKind? kind = null)
    {
        Demand(caller, runId);
        return Fill(history, runId, kind);
    }

    /// <summary>The curves of <paramref name="run"/> (a record this reader returned; the caller's right is checked on it, without a query).</summary>
    public MetricHistory History(Caller caller, RunRecord run, MetricKind? kind = null)
    {
        store.Access.Demand(caller, RunAction.Read, run);
        return Fill(new MetricHistory(), run.Id, kind);
    }

    private MetricHistory Fill(MetricHistory history, long runId, MetricKind? kind)
    {
        if (kind is null or MetricKind.Epoch) history.Merge(store.Metrics(runId, MetricKind.Epoch));
        if (kind is null or MetricKind.Step)
            foreach (var name in store.MetricNames(runId, MetricKind.Step))
            {
                var (x, y) = store.Series(runId, MetricKind.Step, name);
                history.MergeSeries(MetricKind.Step, name, x, y);
            }
        return history;
    }

    /// <summary>The names of the metrics the run logged of one kind.</summary>
    public IReadOnlyList<string> MetricNames(Caller caller, long runId, MetricKind kind)
    {
        Demand(caller, runId);
        return store.MetricNames(runId, kind);
    }

    /// <summary>The names of the metrics <paramref name="run"/> (a record this reader returned) logged of one kind.</summary>
    public IReadOnlyList<string> MetricNames(Caller caller, RunRecord run, MetricKind kind)
    {
        store.Access.Demand(caller, RunAction.Read, run);
        return store.MetricNames(run.Id, kind);
    }

    /// <summary>
    /// One whole curve of <paramref name="run"/> (a record this reader returned), from the shared cache. The caller's
    /// right to read the run is checked on the record, without a query, so a zoom over 50 runs costs no round trips.
    /// </summary>
    public Task<(double[] X, double[] Y)> CurveAsync(Caller caller, RunRecord run, MetricKind kind, string name)
    {
        store.Access.Demand(caller, RunAction.Read, run);
        return _curves.GetAsync(run, kind, name);
    }

    /// <summary>Like <see cref="CurveAsync"/>, with the curve's exponential moving average (weight in (0, 1)), also from the shared cache.</summary>
    public Task<(double[] X, double[] Y, double[] Smoothed)> SmoothedCurveAsync(Caller caller, RunRecord run, MetricKind kind, string name, double smoothing)
    {
        store.Access.Demand(caller, RunAction.Read, run);
        return _curves.GetSmoothedAsync(run, kind, name, smoothing);
    }

    /// <summary>The run's metric points (of one kind when given).</summary>
    public IReadOnlyList<MetricPoint> Metrics(Caller caller, long runId, MetricKind? kind = null)
    {
        Demand(caller, runId);
        return store.Metrics(runId, kind);
    }

    /// <summary>The last <paramref name="lines"/> lines of the run's log.</summary>
    public IReadOnlyList<string> LogTail(Caller caller, long runId, int lines = 200)
    {
        Demand(caller, runId);
        return store.Log(runId, tail: lines).Select(l => $"{l.Time.ToUniversalTime():yyyy-MM-dd HH:mm:ss} {l.Text}").ToList();
    }

    /// <summary>The run's latest evaluation with its maps; null before the first.</summary>
    public RunEvaluation? Evaluation(Caller caller, long runId)
    {
        Demand(caller, runId);
        return Evaluation(runId);
    }

    /// <summary>The latest evaluation of <paramref name="run"/> (a record this reader returned), checked on the record.</summary>
    public RunEvaluation? Evaluation(Caller caller, RunRecord run)
    {
        store.Access.Demand(caller, RunAction.Read, run);
        return Evaluation(run.Id);
    }

    private RunEvaluation? Evaluation(long runId)
    {
        var record = store.Evaluations(runId).LastOrDefault();
        return record is not null && Parse(record.ReportJson) is { } file ? new RunEvaluation(file, store.Maps(runId), record.CreatedAt) : null;
    }

    /// <summary>
    /// What the new-run form offers for the weight fields: the caller's readable runs that are completed, running or
    /// queued (a queued one makes the new run wait for it), newest first, then the weights files in the lab's
    /// weights folder (<see cref="DataFolder.WeightsRoot"/>, where an admin puts uploaded files).
    /// </summary>
    public IReadOnlyList<WeightSource> WeightSources(Caller caller, int maxRuns = 50)
    {
        var runs = store.List(new RunQuery(ReadableBy: caller))
            .Where(r => r.Status is RunStatus.Completed or RunStatus.Running or RunStatus.Queued)
            .OrderByDescending(r => r.Id).Take(maxRuns)
            .Select(r => new WeightSource("#" + r.Id.ToString(CultureInfo.InvariantCulture), $"#{r.Id} {r.Name} ({r.Status.Text()})"));
        string root = store.Data.WeightsRoot;
        var files = Directory.Exists(root)
            ? Directory.EnumerateFiles(root, "*", SearchOption.AllDirectories).Where(RunReferences.IsWeightsFile).Order(StringComparer.Ordinal)
                .Select(f => new WeightSource(f, "weights/" + Path.GetRelativePath(root, f).Replace('\\', '/')))
            : [];
        return [.. runs, .. files];
    }

    /// <summary>The run's parents (inputs) and children in a run chain that the caller may read.</summary>
    public RunLinks Links(Caller caller, RunRecord run)
    {
        Demand(caller, run.Id);
        using var db = store.CreateContext();
        bool Readable(long id) => Find(caller, id) is not null;
        var inputs = RunInputs.Of(db, run.ConfigJson).Where(i => i.Status is null || Readable(i.RunId)).ToList();
        var children = RunInputs.ChildrenOf(db, run.Id).Where(c => Readable(c.Id)).ToList();
        return new RunLinks(inputs, children);
    }

    /// <summary>Code commit, seed, device, packages, host and timing of a run.</summary>
    public IReadOnlyList<ProvenanceItem> Provenance(Caller caller, RunRecord run)
    {
        Demand(caller, run.Id);
        return ProvenanceTable.Of(run);
    }

    /// <summary>The folder of a run's pictures (serve only names <see cref="Pictures"/> lists).</summary>
    public string PicturesFolder(long runId) => store.Data.RunFolder(runId).Pictures;

    /// <summary>The pictures the engine drew for a run (file names in its pictures folder).</summary>
    public IReadOnlyList<string> Pictures(Caller caller, long runId)
    {
        Demand(caller, runId);
        var folder = store.Data.RunFolder(runId).Pictures;
        return Directory.Exists(folder)
            ? Directory.EnumerateFiles(folder, "*.png").Select(Path.GetFileName).OfType<string>().Order(StringComparer.Ordinal).ToList()
            : [];
    }

    /// <summary>Throws <see cref="KeyNotFoundException"/> unless the run exists and the caller may read it.</summary>
    public RunRecord Demand(Caller caller, long runId) => Find(caller, runId) ?? throw new KeyNotFoundException($"no run with id {runId}");

    /// <summary>Parses an evaluation report's JSON; null when it is not one.</summary>
    public static EvaluationFile? Parse(string json) => RunEvaluator.Parse(json);

    private RunRow ToRow(Caller caller, RunRecord run, (double? Best, double? Last) map)
    {
        string parameters;
        try { parameters = KeyParameters.Describe(ConfigJson.ParseUnvalidated(run.ConfigJson)); }
        catch (ConfigException) { parameters = "(unreadable config)"; }
        return new RunRow(run.Id, run.Name, run.Experiment?.Name, run.Status, run.Message, run.Steps, run.TotalSteps,
            run.EpochsCompleted, run.Epochs, run.Attempts, run.CreatedAt, run.StartedAt, run.FinishedAt, parameters,
            map.Best, map.Last, run.Tags.Select(t => t.Name).Order(StringComparer.Ordinal).ToList(), run.ParentRunId,
            run.Team?.Name ?? "", store.Access.Allows(caller, RunAction.Manage, run), run.PublishedAt is not null,
            run.WorkerId, run.WorkerHost, run.WorkerDevice ?? run.Device?.Split(' ')[0]);
    }

    /// <summary>Best and last epoch mAP of every run (or of one), in one query.</summary>
    private Dictionary<long, (double? Best, double? Last)> MapsByRun(long? runId = null)
    {
        using var db = store.CreateContext();
        var points = db.MetricPoints.AsNoTracking()
            .Where(p => p.Kind == MetricKind.Epoch && p.Name == "map" && p.Value != null && (runId == null || p.RunId == runId))
            .Select(p => new { p.RunId, p.Epoch, p.Id, Value = p.Value!.Value })
            .ToList();
        return points.GroupBy(p => p.RunId).ToDictionary(
            g => g.Key,
            g => ((double?)g.Max(p => p.Value), (double?)g.OrderBy(p => p.Epoch).ThenBy(p => p.Id).Last().Value));
    }
}
