using Microsoft.EntityFrameworkCore;
using SbirLab.Core.Runs;
using SbirLab.Store.Accounts;
using SbirLab.Store.Entities;

namespace SbirLab.Store;

/// <summary>Columns the runs table sorts by.</summary>
public enum RunSortColumn
{
    Id,
    Name,
    Template,
    Status,
    Progress,
    BestMap,
    LastMap,
}

/// <summary>
/// One page of the runs table: which page (from 0) of how many rows, sorted by which column in which direction,
/// filtered by search terms (every term must match the id, the name, the template, the status, a tag or the
/// config's text, ignoring case) and by statuses (none: all). <see cref="ReadableBy"/> keeps only the runs that
/// caller may read.
/// </summary>
public sealed record RunPageQuery(
    int Page = 0,
    int PageSize = 25,
    RunSortColumn Sort = RunSortColumn.Id,
    bool Descending = true,
    string? Search = null,
    IReadOnlyCollection<RunStatus>? Statuses = null,
    Caller? ReadableBy = null)
{
    public const int MaxPageSize = 500;

    /// <exception cref="ArgumentOutOfRangeException">A field is out of range; the message names it and the allowed range.</exception>
    public void Check()
    {
        if (Page < 0) throw new ArgumentOutOfRangeException(nameof(Page), Page, "page must be 0 or more");
        if (PageSize is < 1 or > MaxPageSize) throw new ArgumentOutOfRangeException(nameof(PageSize), PageSize, $"page size must be between 1 and {MaxPageSize}");
    }
}

/// <summary>A run of a page with its best and last epoch mAP (null before its first evaluated epoch).</summary>
public sealed record RunPageRow(RunRecord Run, double? BestMap, double? LastMap);

/// <summary>A page of runs and how many runs pass the filter in all.</summary>
public sealed record RunPage(IReadOnlyList<RunPageRow> Rows, int Total);

public sealed partial class RunStore
{
    /// <summary>The epoch metric the runs table shows and sorts by (best and last).</summary>
    public const string MapMetric = "map";

    /// <summary>
    /// A page of runs, sorted and filtered in the database: the runs table never loads the runs it does not show.
    /// Runs without a mAP sort last in either direction; ties go newest first.
    /// </summary>
    public RunPage Page(RunPageQuery query)
    {
        query.Check();
        using var db = CreateContext();
        IQueryable<RunRecord> runs = db.Runs.AsNoTracking();
        if (query.ReadableBy is { } caller) runs = Access.Readable(runs, caller);
        if (query.Statuses is { Count: > 0 } statuses) runs = runs.Where(r => statuses.Contains(r.Status));
        foreach (var term in Terms(query.Search)) runs = Matching(runs, term);
        int total = runs.Count();

        var maps = db.MetricPoints.Where(p => p.Kind == MetricKind.Epoch && p.Name == MapMetric && p.Value != null);
        var scored = runs.Select(r => new Scored
        {
            Run = r,
            Best = maps.Where(p => p.RunId == r.Id).Max(p => p.Value),
            Last = maps.Where(p => p.RunId == r.Id).OrderByDescending(p => p.Epoch).ThenByDescending(p => p.Id).Select(p => p.Value).FirstOrDefault(),
        });
        var page = Sorted(scored, query.Sort, query.Descending)
            .Skip(query.Page * query.PageSize).Take(query.PageSize)
            .Select(s => new { s.Run.Id, s.Best, s.Last })
            .ToList();

        var ids = page.Select(p => p.Id).ToList();
        var records = db.Runs.AsNoTracking().Include(r => r.Experiment).Include(r => r.Team).Include(r => r.Tags)
            .Where(r => ids.Contains(r.Id)).ToDictionary(r => r.Id);
        var rows = page.Where(p => records.ContainsKey(p.Id)).Select(p => new RunPageRow(records[p.Id], p.Best, p.Last)).ToList();
        return new RunPage(rows, total);
    }

    /// <summary>A run with its best and last mAP, as the database computes them for sorting.</summary>
    private sealed class Scored
    {
        public required RunRecord Run { get; init; }
        public double? Best { get; init; }
        public double? Last { get; init; }
    }

    private static IEnumerable<string> Terms(string? search) =>
        (search ?? "").Split(' ', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Select(t => t.ToLowerInvariant());

    private static IQueryable<RunRecord> Matching(IQueryable<RunRecord> runs, string term)
    {
        // Statuses are stored as text; the ones whose name holds the term are matched as a set.
        var statuses = Enum.GetValues<RunStatus>().Where(s => s.Text().Contains(term, StringComparison.Ordinal)).ToList();
        long? id = long.TryParse(term, out var number) ? number : null;
        return runs.Where(r => r.Name.ToLower().Contains(term)
                               || (r.Experiment != null && r.Experiment.Name.ToLower().Contains(term))
                               || r.Tags.Any(t => t.Name.ToLower().Contains(term))
                               || r.ConfigJson.ToLower().Contains(term)
                               || statuses.Contains(r.Status)
                               || r.Id == id);
    }

    private static IQueryable<Scored> Sorted(IQueryable<Scored> runs, RunSortColumn column, bool descending)
    {
        IOrderedQueryable<Scored> ordered = column switch
        {
            RunSortColumn.Name => By(runs, s => s.Run.Name.ToLower(), descending),
            RunSortColumn.Template => By(runs, s => s.Run.Experiment == null ? "" : s.Run.Experiment.Name.ToLower(), descending),
            RunSortColumn.Status => By(runs, s => s.Run.Status, descending),
            RunSortColumn.Progress => By(runs, s => s.Run.Status == RunStatus.Completed ? 1.0
                : s.Run.TotalSteps > 0 ? (double)s.Run.Steps / s.Run.TotalSteps : 0.0, descending),
            RunSortColumn.BestMap => By(runs.OrderBy(s => s.Best == null), s => s.Best, descending),
            RunSortColumn.LastMap => By(runs.OrderBy(s => s.Last == null), s => s.Last, descending),
            _ => By(runs, s => s.Run.Id, descending),
        };
        return ordered.ThenByDescending(s => s.Run.Id);
    }

    private static IOrderedQueryable<Scored> By<TKey>(IQueryable<Scored> runs, System.Linq.Expressions.Expression<Func<Scored, TKey>> key, bool descending) =>
        descending ? runs.OrderByDescending(key) : runs.OrderBy(key);

    private static IOrderedQueryable<Scored> By<TKey>(IOrderedQueryable<Scored> runs, System.Linq.Expressions.Expression<Func<Scored, TKey>> key, bool descending) =>
        descending ? runs.ThenByDescending(key) : runs.ThenBy(key);
}
