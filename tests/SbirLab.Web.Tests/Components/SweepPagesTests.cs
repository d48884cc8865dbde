using System.Text.Json.Nodes;
using AngleSharp.Dom;
using Microsoft.AspNetCore.Components;
using Microsoft.Extensions.DependencyInjection;
using SbirLab.Core.Configs;
using SbirLab.Core.Sweeps;
using SbirLab.Store.Accounts;
using SbirLab.Store.Entities;
using SbirLab.Web.Components.Pages;

namespace SbirLab.Web.Tests.Components;

public sealed class SweepPagesTests : ComponentTest
{
    private IRenderedComponent<NewRun> OpenNewRun()
    {
        Context.Services.GetRequiredService<NavigationManager>().NavigateTo("runs/new?template=fashion-mnist/triplet");
        return Context.Render<NewRun>();
    }

    private static IElement SweepButton(IRenderedComponent<NewRun> cut, string field) => cut.Find($"button[data-sweep-field='{field}']");

    [Fact]
    public void Sweep_this_field_on_a_number_and_a_choice_queues_a_sweep_of_ordinary_runs_and_opens_its_page()
    {
        var cut = OpenNewRun();
        Assert.Empty(cut.FindAll(".sweep-panel"));

        SweepButton(cut, "loss.margin").Click();
        SweepButton(cut, "loss.miner").Click();

        cut.WaitForAssertion(() => Assert.Equal(2, cut.FindAll(".sweep-axis").Count));
        Assert.Equal("0.1", cut.Find("input[data-axis-min='loss.margin']").GetAttribute("value")); // the template's 0.2, halved
        Assert.Equal("0.4", cut.Find("input[data-axis-max='loss.margin']").GetAttribute("value"));
        Assert.Equal("batch-all, all, semi-hard, hard", cut.Find("input[data-axis-values='loss.miner']").GetAttribute("value"));
        cut.Find("input[data-sweep='budget']").Input("5");
        cut.WaitForAssertion(() => Assert.Contains("Queue sweep (5 runs)", cut.Find(".queue-sweep").TextContent));

        cut.Find(".queue-sweep").Click();

        cut.WaitForAssertion(() => Assert.Equal(5, Lab.Store.List().Count));
        var sweep = Assert.Single(Lab.Sweeps.List(Caller.DataFolderOwner));
        Assert.EndsWith($"sweeps/{sweep.Id}", Context.Services.GetRequiredService<NavigationManager>().Uri);
        var configs = Lab.Store.List().Select(r => Lab.Store.Config(r.Id)).ToList();
        Assert.All(configs, c => Assert.InRange(c.Loss.Margin, 0.1, 0.4));
        Assert.True(configs.Select(c => c.Loss.Margin).Distinct().Count() > 1);
        Assert.All(Lab.Store.List(), r => Assert.Contains(r.Tags, t => t.Name == sweep.Tag));
        Assert.All(configs, c => Assert.Equal(20, c.Training.Epochs)); // the rest is the form's config
    }

    [Fact]
    public void A_sweep_value_no_run_could_take_is_named_and_blocks_queueing()
    {
        var cut = OpenNewRun();
        SweepButton(cut, "loss.anchors").Click(); // an integer: starts as a list of values
        cut.WaitForAssertion(() => cut.Find("input[data-axis-values='loss.anchors']"));

        cut.Find("input[data-axis-values='loss.anchors']").Input("10, 0");

        cut.WaitForAssertion(() => Assert.Contains("axes[0].values[1]", cut.Find(".sweep-errors").TextContent));
        Assert.Contains("loss.anchors expects a number in [1, 100000]", cut.Find(".sweep-errors").TextContent);
        Assert.True(cut.Find(".queue-sweep").HasAttribute("disabled"));
        Assert.Empty(Lab.Store.List());
    }

    [Fact]
    public void The_sweep_page_ranks_the_points_marks_the_best_and_links_clone_and_compare()
    {
        var sweep = new SweepDefinition
        {
            Name = "margins",
            Base = Lab.Triplet("training.epochs=2"),
            Search = SweepSearch.Grid,
            Budget = 4,
            Axes = [new SweepAxis { Field = "loss.margin", Values = [0.1, 0.2, 0.3, 0.4] }],
        };
        var record = Lab.Sweeps.Start(Caller.DataFolderOwner, sweep);
        var ids = Lab.Store.List().Select(r => r.Id).Order().ToList();
        double[] finalMaps = [0.30, 0.55, 0.42]; // the 4th point stays queued
        for (int i = 0; i < 3; i++) Lab.CompleteNextQueued(ids[i], [0.1, finalMaps[i]]);

        var cut = Context.Render<SweepPage>(p => p.Add(x => x.Id, record.Id));

        var rows = cut.FindAll(".sweep-table tbody tr");
        Assert.Equal([ids[1], ids[2], ids[0], ids[3]], rows.Select(r => long.Parse(r.GetAttribute("data-run")!)));
        Assert.Contains("sweep-best", rows[0].ClassName);
        Assert.Contains("0.5500", rows[0].TextContent);
        Assert.Contains("loss.margin = 0.2", cut.Find(".best-point").TextContent);
        Assert.Equal($"runs/new?clone={ids[1]}", cut.Find("a.clone-best").GetAttribute("href"));
        Assert.Equal($"compare?runs={ids[1]},{ids[2]},{ids[0]}", cut.Find("a.compare-top").GetAttribute("href"));
        Assert.Equal("3", cut.Find("[data-chart='parallel-coordinates']").GetAttribute("data-points"));
        Assert.Equal("3", cut.Find("[data-chart='metric-vs-loss.margin']").GetAttribute("data-points"));
        var draw = Assert.Single(Context.JSInterop.Invocations, i => i.Identifier == "draw" && i.Arguments[0]!.ToString()!.StartsWith("figure-", StringComparison.Ordinal)
            && System.Text.Json.JsonSerializer.Serialize(i.Arguments[1]).Contains("parcoords", StringComparison.Ordinal));
        Assert.Contains("\"values\":[0.2,0.3,0.1]", System.Text.Json.JsonSerializer.Serialize(draw.Arguments[1]));
    }

    [Fact]
    public void A_member_of_another_team_is_told_the_sweep_does_not_exist()
    {
        var record = RedSweep();
        Lab.Caller = new Caller("u-blue", "bea", LabRoles.Member, Lab.Team("blue"), "blue");

        var cut = Context.Render<SweepPage>(p => p.Add(x => x.Id, record.Id));

        Assert.Contains($"no sweep with id {record.Id}", cut.Find(".sweep-missing").TextContent);
    }

    [Fact]
    public void A_grader_reads_a_sweep_without_its_actions()
    {
        var record = RedSweep();
        Lab.Caller = new Caller("u-grader", "gus", LabRoles.Grader);

        var cut = Context.Render<SweepPage>(p => p.Add(x => x.Id, record.Id));

        Assert.Contains("Sweep", cut.Find(".sweep-title").TextContent);
        Assert.Empty(cut.FindAll(".stop-sweep"));
        Assert.Empty(cut.FindAll(".extend-sweep"));
    }

    private SweepRecord RedSweep()
    {
        long red = Lab.Team("red");
        var sweep = new SweepDefinition { Name = "s", Base = Lab.Triplet(), Search = SweepSearch.Grid, Budget = 1, Axes = [new SweepAxis { Field = "loss.margin", Values = [JsonValue.Create(0.1)] }] };
        return Lab.Sweeps.Start(new Caller("u-red", "ray", LabRoles.Member, red, "red"), sweep);
    }
}
