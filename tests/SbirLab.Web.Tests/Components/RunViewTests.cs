using SbirLab.Core.Runs;
using SbirLab.Engine.Training;
using SbirLab.Runs;
using SbirLab.Store.Accounts;
using SbirLab.Web.Components.Shared;

namespace SbirLab.Web.Tests.Components;

public sealed class RunViewTests : ComponentTest
{
    [Fact]
    public void A_queued_runs_charts_grow_as_its_steps_stream_in()
    {
        long id = Lab.Service.Queue(Caller.DataFolderOwner, Lab.Triplet("name=\"live\""));
        var cut = Context.Render<RunView>(p => p.Add(v => v.RunId, id));
        Assert.Equal("0", LossPoints(cut));
        Assert.Equal(1, Lab.Service.Events.SubscriberCount); // the page subscribed before it rendered

        for (int step = 0; step < 30; step++)
            Lab.Service.Events.Publish(new RunStepEvent(id, new StepMetrics(step, 0, new Dictionary<string, double> { ["loss"] = 1.0 / (step + 1), ["lr"] = 0.05 })));
        Eventually(cut, () => LossPoints(cut) == "30");
        // On a slow machine the first draw can come after the first batch (it then carries those points); the
        // next batch is then sure to travel as an update.
        Eventually(cut, () => Chart(cut, "Loss").Drawn);

        for (int step = 30; step < 45; step++)
            Lab.Service.Events.Publish(new RunStepEvent(id, new StepMetrics(step, 0, new Dictionary<string, double> { ["loss"] = 0.01 })));
        Eventually(cut, () => LossPoints(cut) == "45");
        Assert.Equal(30, Chart(cut, "Learning rate").PointCount); // the later steps logged no rate
        // Live updates append points; no chart is drawn whole again, not even the ones with nothing to show yet
        // (no accuracy, no epoch evaluated): each of the four is drawn when it first appears and again when its
        // first points come, at most.
        var (draws, updates) = OnRenderer(cut, () => (Context.JSInterop.Invocations["draw"].Count, Context.JSInterop.Invocations["update"].Count));
        Assert.InRange(draws, 1, 8);
        Assert.True(updates > 0);
    }

    [Fact]
    public void A_completed_run_shows_its_config_provenance_and_report_and_cannot_be_stopped()
    {
        long id = Lab.CompletedRun(Lab.Triplet("name=\"done\""), [0.5, 0.6], TestLab.Evaluation());
        var cut = Context.Render<RunView>(p => p.Add(v => v.RunId, id));

        Assert.Equal("done", cut.Find(".run-name").TextContent);
        Assert.Equal("completed", cut.Find(".run-header .status-chip").GetAttribute("data-status"));
        Assert.True(cut.Find(".run-stop").HasAttribute("disabled"));
        Assert.True(cut.Find(".run-resume").HasAttribute("disabled"));
        Assert.Equal($"api/runs/{id}/export.zip", cut.Find(".run-export").GetAttribute("href"));
        Assert.Contains("step 20 / ", cut.Find(".run-progress-text").TextContent);
        // Retrieval chart: mAP over 2 epochs.
        Assert.Equal("2", cut.Find("[data-chart='Retrieval per epoch']").GetAttribute("data-points"));
    }

    [Fact]
    public void The_grading_view_is_read_only_and_shows_everything_at_once()
    {
        long id = Lab.CompletedRun(Lab.Triplet("name=\"graded\""), [0.5, 0.6], TestLab.Evaluation());
        Lab.Store.AddNote(id, "lr looks high");
        var cut = Context.Render<RunView>(p => p.Add(v => v.RunId, id).Add(v => v.ReadOnly, true));

        Assert.Empty(cut.FindAll(".run-stop"));
        Assert.Empty(cut.FindAll(".add-tag"));
        Assert.NotEmpty(cut.FindAll(".add-note")); // grading notes: the one thing the grading view writes
        Assert.Contains("read-only grading view", cut.Markup);
        Assert.Contains("\"name\": \"graded\"", cut.Find(".run-config").TextContent);
        Assert.Contains("seed", cut.Find(".provenance-table").TextContent);
        Assert.NotEmpty(cut.FindAll(".ranked-row"));
        Assert.Contains("lr looks high", cut.Find(".note-text").TextContent);
    }

    [Fact]
    public void Stop_on_a_queued_run_stops_it()
    {
        long id = Lab.Service.Queue(Caller.DataFolderOwner, Lab.Triplet());
        var cut = Context.Render<RunView>(p => p.Add(v => v.RunId, id));
        cut.WaitForAssertion(() => Assert.Equal("queued", cut.Find(".run-header .status-chip").GetAttribute("data-status")));
        Thread.Sleep(500); // let the feed's first batch (the current status) render before clicking
        cut.Find(".run-stop").Click();

        cut.WaitForAssertion(() => Assert.Equal(RunStatus.Stopped, Lab.Store.Find(id)!.Status));
        cut.WaitForAssertion(() => Assert.Equal("stopped", cut.Find(".run-header .status-chip").GetAttribute("data-status")));
        Assert.False(cut.Find(".run-resume").HasAttribute("disabled"));
    }

    /// <summary>Polls: a live update changes no markup, so there is no render to wait for.</summary>
    /// <summary>
    /// Polls a condition on the renderer's dispatcher: a batch of events is applied there in one piece (points
    /// counted, then the update sent), so a check never sees half of one.
    /// </summary>
    private static void Eventually(IRenderedComponent<RunView> cut, Func<bool> condition)
    {
        var deadline = DateTime.UtcNow.AddSeconds(10);
        while (!OnRenderer(cut, condition) && DateTime.UtcNow < deadline) Thread.Sleep(20);
        Assert.True(OnRenderer(cut, condition), "timed out");
    }

    private static T OnRenderer<T>(IRenderedComponent<RunView> cut, Func<T> read) => cut.InvokeAsync(read).GetAwaiter().GetResult();

    /// <summary>Points the loss chart holds (live updates go to the browser without re-rendering its markup).</summary>
    private static string LossPoints(IRenderedComponent<RunView> cut) => Chart(cut, "Loss").PointCount.ToString(System.Globalization.CultureInfo.InvariantCulture);

    private static LineChart Chart(IRenderedComponent<RunView> cut, string titleStart) =>
        cut.FindComponents<LineChart>().Single(c => c.Instance.Title.StartsWith(titleStart, StringComparison.Ordinal)).Instance;

    [Fact]
    public void A_grader_reads_another_teams_run_with_no_action_but_a_note()
    {
        long red = Lab.Team("red");
        long id = Lab.CompletedRun(Lab.Triplet("name=\"red-run\""), [0.5, 0.6], TestLab.Evaluation(), team: red);
        Lab.Caller = new Caller("g1", "gus", LabRoles.Grader);
        var cut = Context.Render<RunView>(p => p.Add(v => v.RunId, id).Add(v => v.InitialTab, 5)); // the notes and tags tab

        Assert.Contains("team red", cut.Find(".run-team").TextContent);
        Assert.Contains("read-only", cut.Find(".read-only-chip").TextContent);
        foreach (var action in new[] { ".run-stop", ".run-resume", ".run-clone", ".run-publish", ".add-tag", ".tag-input" })
            Assert.Empty(cut.FindAll(action));
        Assert.NotEmpty(cut.FindAll(".add-note"));
        Assert.NotEmpty(cut.FindAll(".run-export"));
    }

    [Fact]
    public void A_member_of_another_team_is_told_the_run_does_not_exist()
    {
        long red = Lab.Team("red");
        long blue = Lab.Team("blue");
        long id = Lab.CompletedRun(Lab.Triplet(), [0.5], TestLab.Evaluation(), team: red);
        Lab.Caller = new Caller("b1", "bea", LabRoles.Member, blue, "blue");
        var cut = Context.Render<RunView>(p => p.Add(v => v.RunId, id));

        Assert.Contains($"There is no run {id}", cut.Markup);
        Assert.DoesNotContain("run-config", cut.Markup);
    }

    [Fact]
    public void A_member_of_the_runs_team_publishes_it_for_sketch_search()
    {
        long red = Lab.Team("red");
        long id = Lab.CompletedRun(Lab.Triplet(), [0.5], TestLab.Evaluation(), team: red);
        Lab.Caller = new Caller("r1", "ray", LabRoles.Member, red, "red");
        var cut = Context.Render<RunView>(p => p.Add(v => v.RunId, id));

        cut.Find(".run-publish").Click();

        cut.WaitForAssertion(() => Assert.NotNull(Lab.Store.Find(id)!.PublishedAt));
        cut.WaitForAssertion(() => Assert.Contains("published for sketch search", cut.Find(".run-published").TextContent));
    }
}
