using SbirLab.Core.Runs;
using SbirLab.Engine.Training;
using SbirLab.Web.Services;

namespace SbirLab.Web.Tests.Services;

public sealed class RunTableStateTests
{
    private static RunRow Row(long id, string name, RunStatus status, double? best, string[]? tags = null, string parameters = "convnet") =>
        new(id, name, "fashion-mnist/triplet", status, null, 5, 10, 0, 2, 1, DateTime.UtcNow, null, null, parameters, best, best, tags ?? [], null);

    private static readonly RunRow[] Rows =
    [
        Row(1, "baseline", RunStatus.Completed, 0.58),
        Row(2, "triplet-a", RunStatus.Running, null, ["sweep"]),
        Row(3, "triplet-b", RunStatus.Completed, 0.79, ["sweep"], "convnet · 1·triplet α 0.2"),
        Row(4, "smooth-ap", RunStatus.Failed, 0.81),
    ];

    [Fact]
    public void Search_terms_must_all_match_name_parameters_or_tags()
    {
        var state = new RunTableState { Search = "sweep triplet" };
        Assert.Equal([3, 2], state.Apply(Rows).Select(r => r.Id));
        state.Search = "α 0.2";
        Assert.Equal([3], state.Apply(Rows).Select(r => r.Id));
    }

    [Fact]
    public void The_status_filter_keeps_the_chosen_states()
    {
        var state = new RunTableState();
        state.Statuses.UnionWith([RunStatus.Completed, RunStatus.Failed]);
        Assert.Equal([4, 3, 1], state.Apply(Rows).Select(r => r.Id));
    }

    [Fact]
    public void Sorting_by_best_map_puts_the_best_first_and_runs_without_one_last_both_ways()
    {
        var state = new RunTableState();
        state.SortBy(RunSortColumn.BestMap);
        Assert.Equal([4, 3, 1, 2], state.Apply(Rows).Select(r => r.Id));
        state.SortBy(RunSortColumn.BestMap);
        Assert.Equal([1, 3, 4, 2], state.Apply(Rows).Select(r => r.Id));
    }

    [Fact]
    public void Sorting_by_name_starts_ascending()
    {
        var state = new RunTableState();
        state.SortBy(RunSortColumn.Name);
        Assert.Equal(["baseline", "smooth-ap", "triplet-a", "triplet-b"], state.Apply(Rows).Select(r => r.Name));
    }

    [Fact]
    public void Compare_needs_two_to_eight_selected_runs_and_forgets_deleted_ones()
    {
        var state = new RunTableState();
        state.Toggle(1, true);
        Assert.False(state.CanCompare);
        state.Toggle(9, true); // a run that is gone
        state.Apply(Rows);
        Assert.False(state.CanCompare);
        state.Toggle(3, true);
        Assert.True(state.CanCompare);
        for (long id = 10; id < 17; id++) state.Toggle(id, true);
        Assert.False(state.CanCompare); // nine selected
    }
}
