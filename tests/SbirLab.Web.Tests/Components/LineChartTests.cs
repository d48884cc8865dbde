using SbirLab.Core.Curves;
using SbirLab.Web.Components.Shared;
using SbirLab.Web.Endpoints;
using SbirLab.Web.Services;

namespace SbirLab.Web.Tests.Components;

/// <summary>The chart's two ways of changing what the browser holds: a live tail (cut back, then appended) and a refinement on zoom.</summary>
public sealed class LineChartTests : ComponentTest
{
    private static ChartLine Line(double[] x, double[] y) => new("loss", x, y, "#000");

    private IRenderedComponent<LineChart> Drawn(ChartLine line, Func<CurveWindow, Task<IReadOnlyList<ChartLine>>>? refine = null)
    {
        Context.JSInterop.SetupModule(BrowserAssets.Url("live-charts.js")).Mode = JSRuntimeMode.Loose; // every call of the chart module completes
        var cut = Context.Render<LineChart>(p => p.Add(c => c.Lines, [line]).Add(c => c.Version, 1).Add(c => c.Refine, refine));
        cut.WaitForAssertion(() => Assert.Single(Context.JSInterop.Invocations, i => i.Identifier == "draw"));
        return cut;
    }

    private int Draws => Context.JSInterop.Invocations.Count(i => i.Identifier == "draw");

    [Fact]
    public async Task A_live_line_whose_last_bucket_changed_sends_only_the_cut_back_and_the_new_points()
    {
        var cut = Drawn(Line([0, 1, 2, 3], [4, 3, 2, 1]));

        // The last bucket's point (3, 1) became (3, 0.5), and steps 4 and 5 came.
        var extension = await cut.InvokeAsync(() => cut.Instance.Accept([Line([0, 1, 2, 3, 4, 5], [4, 3, 2, 0.5, 0.4, 0.3])], 2));

        Assert.NotNull(extension);
        Assert.Equal([3], extension.Keep);
        Assert.Equal([3.0, 4, 5], extension.X[0]);
        Assert.Equal([0.5f, 0.4f, 0.3f], extension.Y[0].Cast<float>());
        Assert.Equal(1, Draws);
    }

    [Fact]
    public async Task A_line_changed_beyond_its_tail_is_drawn_whole()
    {
        var x = Enumerable.Range(0, 40).Select(i => (double)i).ToArray();
        var cut = Drawn(Line(x, [.. x.Select(v => v * 2)]));

        var extension = await cut.InvokeAsync(() => cut.Instance.Accept([Line(x, [.. x.Select(v => v * 3)])], 2)); // another smoothing, say

        Assert.Null(extension);
        Assert.Equal(2, Draws);
    }

    [Fact]
    public async Task A_zoom_in_the_browser_draws_the_lines_of_the_new_window()
    {
        var asked = new List<CurveWindow>();
        var cut = Drawn(Line([0, 100], [1, 2]), window =>
        {
            asked.Add(window);
            return Task.FromResult<IReadOnlyList<ChartLine>>([Line([10, 11, 12], [1, 1, 1])]);
        });

        await cut.InvokeAsync(() => cut.Instance.Relayout(10, 12, 480));
        await cut.InvokeAsync(() => cut.Instance.Relayout(10, 12, 480)); // the same window again: nothing to do

        Assert.Equal([new CurveWindow(10, 12, 480)], asked);
        Assert.Equal(new CurveWindow(10, 12, 480), cut.Instance.Window);
        Assert.Equal((1, 2), (cut.Instance.Refinements, Draws));
        Assert.Equal(3, cut.Instance.PointCount);
        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => cut.InvokeAsync(() => cut.Instance.Relayout(12, 10, 480)));
    }

    [Fact]
    public async Task A_zoom_on_a_compare_of_50_long_runs_is_one_draw_call_of_at_most_two_points_a_pixel_per_trace_packed_as_bytes()
    {
        // 50 runs of 100,000 steps (one curve shared, to keep the test small), a one-step spike at 30,500.
        const int steps = 100_000, width = 400;
        double[] x = [.. Enumerable.Range(0, steps).Select(s => (double)s)];
        double[] y = [.. x.Select(s => s == 30_500 ? 9 : Math.Exp(-s / 20_000) + 0.05 * Math.Sin(s / 3))];
        var smoothed = SbirLab.Engine.Reports.ExponentialSmoothing.Ema(y, 0.6);
        var refined = new List<IReadOnlyList<ChartLine>>();
        var cut = Drawn(Line([0, 1], [1, 1]), window =>
        {
            IReadOnlyList<ChartLine> lines = [.. Enumerable.Range(0, 50).SelectMany(run => ChartLines.WithSmoothed($"#{run}", x, y, smoothed, ChartLines.ColorOf(run), window))];
            refined.Add(lines);
            return Task.FromResult(lines);
        });

        await cut.InvokeAsync(() => cut.Instance.Relayout(30_000, 31_000, width));

        var draws = Context.JSInterop.Invocations.Where(i => i.Identifier == "draw").ToList();
        Assert.Equal(2, draws.Count); // the first draw, then one call for the whole refined chart
        var (traces, points) = ((object[])draws[1].Arguments[1]!, (byte[])draws[1].Arguments[2]!);
        var counts = traces.Select(t => (int)t.GetType().GetProperty("n")!.GetValue(t)!).ToArray();
        Assert.Equal(100, counts.Length);
        Assert.All(counts, n => Assert.InRange(n, width / 2, 2 * width + 6)); // min and max of at most width + 1 buckets, the ends and their neighbours
        Assert.Equal(12 * counts.Sum(), points.Length); // float64 x, float32 y
        // The bytes hold the lines' points: the first raw trace's x, and its y at single precision with the spike.
        int total = counts.Sum();
        var xs = System.Runtime.InteropServices.MemoryMarshal.Cast<byte, double>(points.AsSpan(0, 8 * total));
        var ys = System.Runtime.InteropServices.MemoryMarshal.Cast<byte, float>(points.AsSpan(8 * total));
        Assert.Equal(refined[0][0].X, xs[..counts[0]].ToArray());
        Assert.Equal(refined[0][0].Y.Select(v => (float)v), ys[..counts[0]].ToArray());
        Assert.Equal(9f, ys[..counts[0]].ToArray().Max());
    }

    [Fact]
    public void Past_the_Plotly_legend_limit_the_chart_draws_its_own_legend_of_one_entry_per_group()
    {
        Context.JSInterop.SetupModule(BrowserAssets.Url("live-charts.js")).Mode = JSRuntimeMode.Loose;
        // Raw (faint, not in the legend) and smoothed lines of one run past the limit.
        var lines = Enumerable.Range(1, LineChart.PlotlyLegendUpTo + 1)
            .SelectMany(i => ChartLines.WithSmoothed($"#{i} <run>", [0, 1, 2], [3, 2, 1], [3, 2.5, 2], ChartLines.ColorOf(i), CurveWindow.Whole)).ToList();
        var many = Context.Render<LineChart>(p => p.Add(c => c.Lines, lines).Add(c => c.Version, 1));
        many.WaitForAssertion(() => Assert.Single(Context.JSInterop.Invocations, i => i.Identifier == "draw"));

        var names = Enumerable.Range(1, LineChart.PlotlyLegendUpTo + 1).Select(i => $"#{i} <run>").ToList();
        var entries = many.FindAll(".chart-legend-entry");
        Assert.Equal(names, entries.Select(e => e.TextContent));
        Assert.Equal(names, entries.Select(e => e.GetAttribute("data-group"))); // the traces' legendgroup: a click toggles raw and smoothed together
        Assert.Equal(names, lines.Where(l => !l.Faint).Select(l => l.Group));
        Assert.Contains("\"showlegend\":false", Layout(Context.JSInterop.Invocations.Single(i => i.Identifier == "draw")));

        // At the limit Plotly draws the legend and the chart draws none.
        var few = Context.Render<LineChart>(p => p.Add(c => c.Lines, lines[..(2 * LineChart.PlotlyLegendUpTo)]).Add(c => c.Version, 1));
        few.WaitForAssertion(() => Assert.Equal(2, Draws));
        Assert.Empty(few.FindAll(".chart-legend"));
        Assert.Contains("\"showlegend\":true", Layout(Context.JSInterop.Invocations.Where(i => i.Identifier == "draw").Last()));
    }

    /// <summary>The layout a draw call sent (its fourth argument), as JSON.</summary>
    private static string Layout(JSRuntimeInvocation draw) => System.Text.Json.JsonSerializer.Serialize(draw.Arguments[3]);
}
