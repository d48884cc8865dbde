using SbirLab.Core.Runs;
using SbirLab.Engine.Training;
using SbirLab.Store.Accounts;
using SbirLab.Web.Components.Shared;
using SbirLab.Web.Services;
using RunsPage = SbirLab.Web.Components.Pages.Runs;

namespace SbirLab.Web.Tests.Components;

public sealed class RunsTableTests : ComponentTest
{
    private static RunRow Row(long id, string name, RunStatus status, double? best, long steps = 10, long total = 10) =>
        new(id, name, "fashion-mnist/triplet", status, null, steps, total, 1, 2, 1, DateTime.UtcNow, null, null, "convnet · batch 100", best, best, ["t" + id], null);

    private readonly RunRow[] _rows =
    [
        Row(1, "baseline", RunStatus.Completed, 0.58),
        Row(2, "triplet-a", RunStatus.Running, null, steps: 25, total: 100),
        Row(3, "smooth-ap", RunStatus.Stopped, 0.81),
    ];

    private IRenderedComponent<RunsTable> RenderTable(RunTableState state, List<string>? actions = null) =>
        Context.Render<RunsTable>(p => p
            .Add(t => t.Rows, _rows)
            .Add(t => t.State, state)
            .Add(t => t.Etas, new Dictionary<long, TimeSpan?> { [2] = TimeSpan.FromSeconds(95) })
            .Add(t => t.OnStop, (RunRow r) => actions?.Add($"stop {r.Id}"))
            .Add(t => t.OnResume, (RunRow r) => actions?.Add($"resume {r.Id}"))
            .Add(t => t.OnDelete, (RunRow r) => actions?.Add($"delete {r.Id}")));

    [Fact]
    public void Rows_show_status_progress_with_eta_best_map_and_tags()
    {
        var cut = RenderTable(new RunTableState());

        var rows = cut.FindAll("tr.run-row");
        Assert.Equal(["1", "2", "3"], rows.Select(r => r.GetAttribute("data-run-id"))); // the page as the store ordered it
        var running = cut.Find("tr.run-row[data-run-id='2']");
        Assert.Contains("25 / 100 steps", running.TextContent);
        Assert.Contains("ETA 1 min 35 s", running.TextContent);
        Assert.Equal("0.810", cut.Find("tr.run-row[data-run-id='3'] .map-best").TextContent);
        Assert.Equal("–", cut.Find("tr.run-row[data-run-id='2'] .map-best").TextContent);
        Assert.Contains("t3", cut.Find("tr.run-row[data-run-id='3']").TextContent);
    }

    [Fact]
    public void Each_row_shows_the_worker_host_and_device_that_claimed_it()
    {
        var rows = new[]
        {
            Row(1, "on-gpu", RunStatus.Running, null, steps: 5, total: 100) with { Worker = "gpu-box-1", WorkerHost = "node-7", Device = "cuda:1" },
            Row(2, "waiting", RunStatus.Queued, null, steps: 0, total: 0),
        };
        var cut = Context.Render<RunsTable>(p => p.Add(t => t.Rows, rows).Add(t => t.State, new RunTableState()));

        Assert.Equal("gpu-box-1 on node-7, cuda:1", cut.Find("tr.run-row[data-run-id='1'] td.worker").TextContent);
        Assert.Equal("", cut.Find("tr.run-row[data-run-id='2'] td.worker").TextContent); // no worker yet
        Assert.Contains("Worker", cut.Find(".runs-table thead").TextContent);
    }

    /// <summary>Runs queued in the lab's store: "run-1" … "run-N", every third tagged "third".</summary>
    private void Queue(int count)
    {
        for (int i = 1; i <= count; i++)
            Lab.Service.Queue(Caller.DataFolderOwner, Lab.Triplet() with { Name = $"run-{i}", Tags = i % 3 == 0 ? ["third"] : [] });
    }

    /// <summary>A new query shape (a search, another sort) is compiled by EF Core once, slowly on a loaded machine.</summary>
    private static readonly TimeSpan Slow = TimeSpan.FromSeconds(15);

    private static string[] Ids(IRenderedComponent<RunsPage> cut) => [.. cut.FindAll("tr.run-row").Select(r => r.GetAttribute("data-run-id") ?? "")];

    [Fact]
    public void The_runs_page_shows_one_page_of_the_store_and_moves_between_pages()
    {
        Queue(30);
        var cut = Context.Render<RunsPage>();

        Assert.Equal(Enumerable.Range(6, 25).Reverse().Select(i => i.ToString(System.Globalization.CultureInfo.InvariantCulture)), Ids(cut));
        Assert.Equal("1–25 of 30", cut.Find(".runs-range").TextContent);
        cut.Find(".runs-pages button[aria-label='Next page']").Click();
        cut.WaitForAssertion(() => Assert.Equal(["5", "4", "3", "2", "1"], Ids(cut)), Slow);
        Assert.Equal("26–30 of 30", cut.Find(".runs-range").TextContent);
    }

    [Fact]
    public void Searching_asks_the_store_for_the_matching_runs()
    {
        Queue(12);
        var cut = Context.Render<RunsPage>();
        cut.Find(".runs-search input").Input("third");
        cut.WaitForAssertion(() => Assert.Equal(["12", "9", "6", "3"], Ids(cut)), Slow);
        cut.Find(".runs-search input").Input("nothing-like-this");
        cut.WaitForAssertion(() => Assert.Contains("No run matches", cut.Markup), Slow);
    }

    [Fact]
    public void Clicking_a_header_sorts_the_whole_store_by_it()
    {
        Queue(30);
        var cut = Context.Render<RunsPage>();
        cut.Find("[data-sort='Name']").Click(); // ascending by name: run-1, run-10 … run-19, run-2, run-20 …
        cut.WaitForAssertion(() => Assert.Equal(["1", "10", "11"], Ids(cut)[..3]), Slow);
        cut.Find("[data-sort='Name']").Click();
        cut.WaitForAssertion(() => Assert.Equal(["9", "8", "7"], Ids(cut)[..3]), Slow);
    }

    [Fact]
    public void Compare_is_enabled_once_two_runs_are_selected()
    {
        var state = new RunTableState();
        var cut = RenderTable(state);
        Assert.True(cut.Find(".compare-button").HasAttribute("disabled"));

        cut.Find("tr.run-row[data-run-id='1'] .select-run input").Change(true);
        Assert.True(cut.Find(".compare-button").HasAttribute("disabled"));
        cut.Find("tr.run-row[data-run-id='3'] .select-run input").Change(true);

        Assert.Equal([1L, 3L], state.Selected.Order());
        Assert.False(cut.Find(".compare-button").HasAttribute("disabled"));
        Assert.Contains("Compare (2)", cut.Find(".compare-button").TextContent);
    }

    [Fact]
    public void Actions_are_offered_only_where_they_apply()
    {
        var actions = new List<string>();
        var cut = RenderTable(new RunTableState(), actions);

        Assert.True(cut.Find("tr.run-row[data-run-id='1'] .action-stop").HasAttribute("disabled"));     // completed
        Assert.True(cut.Find("tr.run-row[data-run-id='2'] .action-delete").HasAttribute("disabled"));   // running
        Assert.True(cut.Find("tr.run-row[data-run-id='2'] .action-resume").HasAttribute("disabled"));
        cut.Find("tr.run-row[data-run-id='2'] .action-stop").Click();
        cut.Find("tr.run-row[data-run-id='3'] .action-resume").Click();
        cut.Find("tr.run-row[data-run-id='1'] .action-delete").Click();
        Assert.Equal(["stop 2", "resume 3", "delete 1"], actions);
    }
}
