using SbirLab.Core.Runs;
using SbirLab.Store;

namespace SbirLab.Web.Services;

/// <summary>
/// The runs table's view state: search text, status filter, sort, page and selection. The store does the
/// searching, sorting and paging (<see cref="RunStore.Page"/>); this only says what to ask for.
/// </summary>
public sealed class RunTableState
{
    /// <summary>Runs the compare view takes at once.</summary>
    public const int MaxCompare = 50;

    /// <summary>Page sizes the table offers.</summary>
    public static readonly int[] PageSizes = [25, 50, 100];

    private string _search = "";

    /// <summary>Search terms; a new search starts again at the first page.</summary>
    public string Search
    {
        get => _search;
        set
        {
            if (value == _search) return;
            _search = value;
            Page = 0;
        }
    }

    public HashSet<RunStatus> Statuses { get; } = [];
    public RunSortColumn Sort { get; private set; } = RunSortColumn.Id;
    public bool Descending { get; private set; } = true;
    public HashSet<long> Selected { get; } = [];

    /// <summary>The page shown, from 0.</summary>
    public int Page { get; set; }

    public int PageSize { get; set; } = PageSizes[0];

    /// <summary>Sorts by a column, from the first page; a second click on the same column reverses the order.</summary>
    public void SortBy(RunSortColumn column)
    {
        if (Sort == column) Descending = !Descending;
        else (Sort, Descending) = (column, column is RunSortColumn.BestMap or RunSortColumn.LastMap or RunSortColumn.Id);
        Page = 0;
    }

    /// <summary>Keeps only the chosen statuses (none: all), from the first page.</summary>
    public void Filter(IEnumerable<RunStatus> statuses)
    {
        Statuses.Clear();
        Statuses.UnionWith(statuses);
        Page = 0;
    }

    public void Toggle(long runId, bool selected)
    {
        if (selected) Selected.Add(runId);
        else Selected.Remove(runId);
    }

    public bool CanCompare => Selected.Count is >= 2 and <= MaxCompare;

    /// <summary>The page count for <paramref name="total"/> matching runs (at least 1).</summary>
    public int PageCount(int total) => Math.Max(1, (total + PageSize - 1) / PageSize);

    /// <summary>The store query for the current view.</summary>
    public RunPageQuery Query() => new(Page, PageSize, Sort, Descending, Search, Statuses.ToList());
}
