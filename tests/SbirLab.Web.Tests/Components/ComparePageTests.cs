using Microsoft.AspNetCore.Components;
using Microsoft.Extensions.DependencyInjection;
using SbirLab.Web.Components.Pages;
using SbirLab.Web.Services;

namespace SbirLab.Web.Tests.Components;

public sealed class ComparePageTests : ComponentTest
{
    private IRenderedComponent<Compare> Open(string runs)
    {
        Context.Services.GetRequiredService<NavigationManager>().NavigateTo("compare?runs=" + runs);
        return Context.Render<Compare>();
    }

    [Fact]
    public void The_final_metrics_mark_the_better_run_and_the_config_shows_what_differs()
    {
        long a = Lab.CompletedRun(Lab.Triplet("loss.margin=0.2", "name=\"a\""), [0.50, 0.60]);
        long b = Lab.CompletedRun(Lab.Triplet("loss.margin=0.3", "name=\"b\""), [0.55, 0.70]);
        var cut = Open($"{a},{b}");

        var header = cut.FindAll(".final-metrics thead th").Select(h => h.TextContent.Trim()).ToList();
        int map = header.FindIndex(h => h.StartsWith("mAP ", StringComparison.Ordinal));
        var lines = cut.FindAll(".final-metrics tbody tr");
        Assert.Equal("0.600", lines[0].Children[map].TextContent);
        Assert.Equal("0.700", lines[1].Children[map].TextContent);
        Assert.DoesNotContain("best-value", lines[0].Children[map].ClassName ?? "");
        Assert.Contains("best-value", lines[1].Children[map].ClassName);

        // Only the differences by default: name and margin, not the backbone.
        var fields = cut.FindAll(".config-row").Select(r => r.GetAttribute("data-field")).ToList();
        Assert.Equal(["name", "loss.margin"], fields);
        cut.Find(".only-differences input").Change(false);
        Assert.Contains("model.backbone", cut.FindAll(".config-row").Select(r => r.GetAttribute("data-field")));
    }

    [Fact]
    public void The_mAP_curves_of_both_runs_are_overlaid()
    {
        long a = Lab.CompletedRun(Lab.Triplet(), [0.5, 0.6, 0.65]);
        long b = Lab.CompletedRun(Lab.Triplet(), [0.4, 0.7, 0.72]);
        var cut = Open($"{a},{b}");
        // Two runs × three epochs.
        Assert.Equal("6", cut.Find(".chart-box").GetAttribute("data-points"));
    }

    [Fact]
    public void A_step_overlay_past_the_raw_curve_limit_draws_a_trace_per_run_and_notes_the_raw_curves_hidden()
    {
        var ids = Enumerable.Range(0, CompareLoader.RawCurvesUpTo + 1).Select(i => Lab.CompletedRun(Lab.Triplet($"seed={i}"), [0.5, 0.6])).ToList();

        // The step curves are read asynchronously: the chart gets its lines in a later render.
        var many = Open(string.Join(',', ids) + "&metric=step:loss");
        many.WaitForAssertion(() =>
        {
            var chart = many.Find(".chart-box[data-chart$='(per step)']");
            Assert.Equal((CompareLoader.RawCurvesUpTo + 1).ToString(System.Globalization.CultureInfo.InvariantCulture), chart.GetAttribute("data-traces"));
            Assert.Contains($"Raw curves hidden above {CompareLoader.RawCurvesUpTo} runs", chart.QuerySelector(".chart-note")?.TextContent);
        });

        // Two runs: raw and smoothed curves (4 traces), and nothing hidden to note.
        var two = Open($"{ids[0]},{ids[1]}&metric=step:loss");
        two.WaitForAssertion(() =>
        {
            var chart = two.Find(".chart-box[data-chart$='(per step)']");
            Assert.Equal("loss (per step)", chart.GetAttribute("data-chart")); // a curve's title, not the final-metrics column's
            Assert.Equal("4", chart.GetAttribute("data-traces"));
            Assert.Null(chart.QuerySelector(".chart-note"));
        });
    }

    [Fact]
    public void Fewer_than_two_runs_asks_for_more()
    {
        long a = Lab.CompletedRun(Lab.Triplet(), [0.5]);
        var cut = Open($"{a}");
        Assert.Contains("Pick 2 to 50 runs", cut.Markup);
    }
}
