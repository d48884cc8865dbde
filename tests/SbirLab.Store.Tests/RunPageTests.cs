using Microsoft.EntityFrameworkCore;
using SbirLab.Core.Runs;
using SbirLab.Store.Accounts;
using SbirLab.Store.Entities;

namespace SbirLab.Store.Tests;

/// <summary>The runs table's query (page, sort, filter in the database) and the charts' series reads, on both providers.</summary>
public abstract class RunPageTests(StoreProvider provider) : IDisposable
{
    private readonly Lazy<TempStore> _temp = new(() => new TempStore(provider: provider));

    private RunStore Store => _temp.Value.Store;

    public void Dispose()
    {
        if (_temp.IsValueCreated) _temp.Value.Dispose();
    }

    /// <summary>
    /// Seven runs: #1 alpha (completed, mAP 0.5 then 0.4), #2 Beta (running, 30/100 steps), #3 gamma (failed, mAP 0.9),
    /// #4 delta (queued, tag "sweep"), #5 epsilon (completed, mAP 0.7 then 0.8, template "seed-004"), #6 zeta (stopped,
    /// 80/100), #7 eta (completed, no mAP).
    /// </summary>
    private void Seed()
    {
        string[] names = ["alpha", "Beta", "gamma", "delta", "epsilon", "zeta", "eta"];
        foreach (var name in names)
            Store.Queue(TempStore.Config(name), new RunOptions(Experiment: name == "epsilon" ? "seed-004" : null, Tags: name == "delta" ? ["sweep"] : null));
        Set(1, RunStatus.Completed);
        Set(2, RunStatus.Running, steps: 30);
        Set(3, RunStatus.Failed);
        Set(5, RunStatus.Completed);
        Set(6, RunStatus.Stopped, steps: 80);
        Set(7, RunStatus.Completed);
        Map(1, 0.5, 0.4);
        Map(3, 0.9);
        Map(5, 0.7, 0.8);
        Store.Writer.Flush();
    }

    private void Set(long id, RunStatus status, long steps = 0)
    {
        using var db = Store.CreateContext();
        db.Runs.Where(r => r.Id == id).ExecuteUpdate(s => s.SetProperty(r => r.Status, status).SetProperty(r => r.Steps, steps).SetProperty(r => r.TotalSteps, 100L));
    }

    private void Map(long id, params double[] maps)
    {
        for (int epoch = 0; epoch < maps.Length; epoch++) Store.Writer.AddMetric(id, MetricKind.Epoch, 10 * (epoch + 1), epoch, "map", maps[epoch]);
    }

    private long[] Ids(RunPageQuery query) => [.. Store.Page(query).Rows.Select(r => r.Run.Id)];

    [SkippableFact]
    public void Pages_split_the_sorted_runs_and_count_them_all()
    {
        Seed();
        var first = Store.Page(new RunPageQuery(Page: 0, PageSize: 3));
        Assert.Equal([7L, 6, 5], first.Rows.Select(r => r.Run.Id));
        Assert.Equal(7, first.Total);
        Assert.Equal([4L, 3, 2], Ids(new RunPageQuery(Page: 1, PageSize: 3)));
        Assert.Equal([1L], Ids(new RunPageQuery(Page: 2, PageSize: 3)));
        Assert.Empty(Ids(new RunPageQuery(Page: 3, PageSize: 3)));
        Assert.Equal([1L, 2, 3], Ids(new RunPageQuery(PageSize: 3, Descending: false)));
    }

    [SkippableFact]
    public void A_page_carries_each_run_with_its_best_and_last_map_tags_and_template()
    {
        Seed();
        var rows = Store.Page(new RunPageQuery(PageSize: 10)).Rows.ToDictionary(r => r.Run.Id);
        Assert.Equal((0.5, 0.4), (rows[1].BestMap, rows[1].LastMap));
        Assert.Equal((0.8, 0.8), (rows[5].BestMap, rows[5].LastMap));
        Assert.Null(rows[7].BestMap);
        Assert.Equal("seed-004", rows[5].Run.Experiment?.Name);
        Assert.Equal(["sweep"], rows[4].Run.Tags.Select(t => t.Name));
        Assert.Equal(Team.DefaultName, rows[2].Run.Team?.Name);
    }

    [SkippableFact]
    public void Sorting_by_map_puts_runs_without_one_last_in_both_directions()
    {
        Seed();
        Assert.Equal([3L, 5, 1, 7, 6, 4, 2], Ids(new RunPageQuery(Sort: RunSortColumn.BestMap, PageSize: 10)));
        Assert.Equal([1L, 5, 3, 7, 6, 4, 2], Ids(new RunPageQuery(Sort: RunSortColumn.BestMap, Descending: false, PageSize: 10)));
        Assert.Equal([3L, 5, 1], Ids(new RunPageQuery(Sort: RunSortColumn.LastMap, PageSize: 3)));
        Assert.Equal([1L, 5], Ids(new RunPageQuery(Sort: RunSortColumn.LastMap, Descending: false, PageSize: 2)));
    }

    [SkippableFact]
    public void Sorting_by_name_ignores_case_and_by_progress_counts_completed_runs_as_done()
    {
        Seed();
        Assert.Equal(["alpha", "Beta", "delta", "epsilon", "eta", "gamma", "zeta"],
            Store.Page(new RunPageQuery(Sort: RunSortColumn.Name, Descending: false, PageSize: 10)).Rows.Select(r => r.Run.Name));
        // completed 7, 5, 1 (1.0), then zeta 0.8, Beta 0.3, then 4 and 3 (0), ties newest first
        Assert.Equal([7L, 5, 1, 6, 2, 4, 3], Ids(new RunPageQuery(Sort: RunSortColumn.Progress, PageSize: 10)));
        Assert.Equal([7L, 5, 1, 3, 4, 2, 6], Ids(new RunPageQuery(Sort: RunSortColumn.Status, Descending: false, PageSize: 10))); // completed < failed < queued < running < stopped
        Assert.Equal(5, Ids(new RunPageQuery(Sort: RunSortColumn.Template, PageSize: 1)).Single());
    }

    [SkippableFact]
    public void Filters_match_every_search_term_and_the_chosen_statuses_before_paging()
    {
        Seed();
        Assert.Equal([7L, 5, 1], Ids(new RunPageQuery(Statuses: [RunStatus.Completed])));
        Assert.Equal([3L], Ids(new RunPageQuery(Statuses: [RunStatus.Completed, RunStatus.Failed], Search: "gam")));
        Assert.Empty(Ids(new RunPageQuery(Statuses: [RunStatus.Running], Search: "gam")));
        Assert.Equal([2L], Ids(new RunPageQuery(Search: "beta")));      // any case
        Assert.Equal([4L], Ids(new RunPageQuery(Search: "SWEEP")));     // a tag
        Assert.Equal([5L], Ids(new RunPageQuery(Search: "seed-004")));  // the template
        Assert.Equal([6L], Ids(new RunPageQuery(Search: "stopped")));   // the status
        Assert.Equal([6L], Ids(new RunPageQuery(Search: "6 zeta")));    // the id, and all terms must match
        Assert.Empty(Ids(new RunPageQuery(Search: "zeta alpha")));
        Assert.Equal(7, Store.Page(new RunPageQuery(Search: "\"seed\"", PageSize: 1)).Total); // the config's text
        var page = Store.Page(new RunPageQuery(Statuses: [RunStatus.Completed], PageSize: 2, Page: 1));
        Assert.Equal(3, page.Total);
        Assert.Equal([1L], page.Rows.Select(r => r.Run.Id));
    }

    [SkippableFact]
    public void A_page_holds_only_what_the_caller_may_read()
    {
        Seed();
        var stranger = new Caller("99", "eve", LabRoles.Member, 12345, "elsewhere");
        Assert.Equal(0, Store.Page(new RunPageQuery(ReadableBy: stranger)).Total);
        Assert.Equal(7, Store.Page(new RunPageQuery(ReadableBy: Caller.DataFolderOwner)).Total);
    }

    [SkippableFact]
    public void Out_of_range_pages_are_refused_naming_the_field()
    {
        var size = Assert.Throws<ArgumentOutOfRangeException>(() => Store.Page(new RunPageQuery(PageSize: 0)));
        Assert.Contains("page size must be between 1 and 500", size.Message);
        Assert.Equal("Page", Assert.Throws<ArgumentOutOfRangeException>(() => Store.Page(new RunPageQuery(Page: -1))).ParamName);
    }

    [SkippableFact]
    public void A_series_reads_one_metric_in_step_order_and_names_come_one_seek_each()
    {
        long id = Store.Queue(TempStore.Config("curves"));
        for (int step = 9; step >= 0; step--) Store.Writer.AddMetric(id, MetricKind.Step, step, 0, "loss", step == 4 ? double.NaN : 10 - step);
        for (int step = 0; step < 10; step++) Store.Writer.AddMetric(id, MetricKind.Step, step, 0, "lr", 0.1);
        Store.Writer.AddMetric(id, MetricKind.Epoch, 10, 0, "map", 0.3);
        Store.Writer.AddMetric(id, MetricKind.Epoch, 10, 0, "map", 0.35); // a second attempt's value for epoch 0
        Store.Writer.Flush();

        var (x, y) = Store.Series(id, MetricKind.Step, "loss");
        Assert.Equal(Enumerable.Range(0, 10).Select(i => (double)i), x);
        Assert.Equal(10, y[0]);
        Assert.True(double.IsNaN(y[4]));
        var (epochs, maps) = Store.Series(id, MetricKind.Epoch, "map");
        Assert.Equal([1.0], epochs);
        Assert.Equal([0.35], maps);
        Assert.Equal(["loss", "lr"], Store.MetricNames(id, MetricKind.Step));
        Assert.Equal(["map"], Store.MetricNames(id, MetricKind.Epoch));
        Assert.Empty(Store.Series(id, MetricKind.Step, "nothing").X);
    }
}

public sealed class SqliteRunPageTests() : RunPageTests(StoreProvider.Sqlite);

public sealed class PostgresRunPageTests() : RunPageTests(StoreProvider.Postgres);
