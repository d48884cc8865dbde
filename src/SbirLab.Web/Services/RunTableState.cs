using SbirLab.Core.Runs;
using SbirLab.Engine.Training;

namespace SbirLab.Web.Services;

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
/// The runs table's view state: search text, status filter, sort and selection. Pure, so the filtering
/// and sorting rules are tested without a browser.
/// </summary>
public sealed class RunTableState
{
    /// <summary>Runs the compare view takes at once.</summary>
    public const int MaxCompare = 8;

    public string Search { get; set; } = "";
    public HashSet<RunStatus> Statuses { get; } = [];
    public RunSortColumn Sort { get; private set; } = RunSortColumn.Id;
    public bool Descending { get; private set; } = true;
    public HashSet<long> Selected { get; } = [];

    /// <summary>Sorts by a column; a second click on the same column reverses the order.</summary>
    public void SortBy(RunSortColumn column)
    {
        if (Sort == column) Descending = !Descending;
        else (Sort, Descending) = (column, column is RunSortColumn.BestMap or RunSortColumn.LastMap or RunSortColumn.Id);
    }

    public void Toggle(long runId, bool selected)
    {
        if (selected) Selected.Add(runId);
        else Selected.Remove(runId);
    }

    public bool CanCompare => Selected.Count is >= 2 and <= MaxCompare;

    /// <summary>The rows that pass the search and the filter, in the chosen order; drops selected runs that are gone.</summary>
    public IReadOnlyList<RunRow> Apply(IReadOnlyList<RunRow> rows)
    {
        Selected.IntersectWith(rows.Select(r => r.Id));
        var terms = Search.Split(' ', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        var visible = rows.Where(r => Statuses.Count == 0 || Statuses.Contains(r.Status))
            .Where(r => terms.All(t => r.SearchText.Contains(t, StringComparison.OrdinalIgnoreCase)));
        return Order(visible).ToList();
    }

    private IEnumerable<RunRow> Order(IEnumerable<RunRow> rows)
    {
        // Runs without a value (no mAP yet) go last in either direction.
        IOrderedEnumerable<RunRow> ordered = Sort switch
        {
            RunSortColumn.Name => By(rows, r => r.Name, StringComparer.OrdinalIgnoreCase),
            RunSortColumn.Template => By(rows, r => r.Template ?? "", StringComparer.OrdinalIgnoreCase),
            RunSortColumn.Status => By(rows, r => r.Status.Text(), StringComparer.Ordinal),
            RunSortColumn.Progress => By(rows, r => r.Progress, Comparer<double>.Default),
            RunSortColumn.BestMap => rows.OrderBy(r => r.BestMap is null).ThenBy(r => r.BestMap ?? 0, Direction),
            RunSortColumn.LastMap => rows.OrderBy(r => r.LastMap is null).ThenBy(r => r.LastMap ?? 0, Direction),
            _ => By(rows, r => r.Id, Comparer<long>.Default),
        };
        return ordered.ThenByDescending(r => r.Id);
    }

    private IComparer<double> Direction => Descending ? Comparer<double>.Create((a, b) => b.CompareTo(a)) : Comparer<double>.Default;

    private IOrderedEnumerable<RunRow> By<TKey>(IEnumerable<RunRow> rows, Func<RunRow, TKey> key, IComparer<TKey> comparer) =>
        Descending ? rows.OrderByDescending(key, comparer) : rows.OrderBy(key, comparer);
}
