using SbirLab.Core.Runs;
using SbirLab.Store;
using SbirLab.Web.Services;

namespace SbirLab.Web.Tests.Services;

/// <summary>What the runs table asks the store for (the store's searching, sorting and paging: Store.Tests' RunPageTests).</summary>
public sealed class RunTableStateTests
{
    [Fact]
    public void Sorting_by_a_column_starts_on_the_first_page_and_a_second_click_reverses_it()
    {
        var state = new RunTableState { Page = 3 };
        state.SortBy(RunSortColumn.Name);
        Assert.Equal((RunSortColumn.Name, false, 0), (state.Sort, state.Descending, state.Page));
        state.SortBy(RunSortColumn.Name);
        Assert.True(state.Descending);
        state.SortBy(RunSortColumn.BestMap); // scores start best first
        Assert.True(state.Descending);
    }

    [Fact]
    public void A_new_search_or_filter_starts_on_the_first_page()
    {
        var state = new RunTableState { Page = 2 };
        state.Search = "triplet";
        Assert.Equal(0, state.Page);
        state.Page = 2;
        state.Search = "triplet"; // the same search keeps the page
        Assert.Equal(2, state.Page);
        state.Filter([RunStatus.Completed]);
        Assert.Equal(0, state.Page);
    }

    [Fact]
    public void The_query_names_the_page_sort_and_filter_and_the_page_count_covers_every_run()
    {
        var state = new RunTableState { PageSize = 50 };
        state.Filter([RunStatus.Failed]);
        state.Search = "margin";
        state.Page = 1;
        var query = state.Query();
        Assert.Equal((1, 50, RunSortColumn.Id, true, "margin"), (query.Page, query.PageSize, query.Sort, query.Descending, query.Search));
        Assert.Equal([RunStatus.Failed], query.Statuses);
        Assert.Equal((1, 1, 2, 40), (state.PageCount(0), state.PageCount(50), state.PageCount(51), state.PageCount(2000)));
    }

    [Fact]
    public void Compare_needs_two_to_fifty_selected_runs()
    {
        var state = new RunTableState();
        state.Toggle(1, true);
        Assert.False(state.CanCompare);
        state.Toggle(3, true);
        Assert.True(state.CanCompare);
        for (long id = 10; id < 58; id++) state.Toggle(id, true);
        Assert.Equal(50, state.Selected.Count);
        Assert.True(state.CanCompare);
        state.Toggle(99, true);
        Assert.False(state.CanCompare); // 51 selected
        state.Toggle(99, false);
        Assert.True(state.CanCompare);
    }
}
