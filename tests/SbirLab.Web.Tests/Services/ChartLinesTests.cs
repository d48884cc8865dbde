using SbirLab.Core.Curves;
using SbirLab.Web.Services;

namespace SbirLab.Web.Tests.Services;

public sealed class ChartLinesTests
{
    private static ChartLine Series(int n) =>
        new("loss", Enumerable.Range(0, n).Select(i => (double)i).ToArray(), Enumerable.Range(0, n).Select(i => 1.0 / (i + 1)).ToArray(), "#000");

    [Fact]
    public void A_run_name_reaches_plotly_as_text_not_as_its_pseudo_html()
    {
        var line = new ChartLine("<a href=\"javascript:alert(1)\">run</a> & <b>x</b>", [0], [1], "#000");
        string json = System.Text.Json.JsonSerializer.Serialize(SbirLab.Web.Components.Shared.LineChart.Trace(line));
        using var trace = System.Text.Json.JsonDocument.Parse(json);
        Assert.Equal("&lt;a href=\"javascript:alert(1)\"&gt;run&lt;/a&gt; &amp; &lt;b&gt;x&lt;/b&gt;", trace.RootElement.GetProperty("name").GetString());
    }

    [Fact]
    public void Short_series_pass_whole()
    {
        var line = Series(2 * CurveWindow.DefaultWidth);
        var drawn = Assert.Single(ChartLines.Smoothed(line.Name, line.X, line.Y, "#000", 0, CurveWindow.Whole));
        Assert.Equal(line.X, drawn.X);
    }

    [Fact]
    public void Long_series_are_down_sampled_to_about_two_points_a_pixel_keeping_both_ends()
    {
        var line = Series(100_000);
        var drawn = Assert.Single(ChartLines.Smoothed(line.Name, line.X, line.Y, "#000", 0, CurveWindow.Whole));
        Assert.InRange(drawn.X.Length, CurveWindow.DefaultWidth / 2, 2 * CurveWindow.DefaultWidth + 2);
        Assert.Equal((0, 99_999), (drawn.X[0], drawn.X[^1]));
        Assert.Equal(1.0, drawn.Y[0]); // the first bucket's max
    }

    [Fact]
    public void Smoothing_draws_the_raw_curve_faint_behind_its_moving_average()
    {
        var lines = ChartLines.Smoothed("loss", [0, 1, 2], [0, 2, 2], "#111", 0.5, CurveWindow.Whole);
        Assert.Equal(2, lines.Count);
        Assert.True(lines[0].Faint);
        Assert.False(lines[0].ShowInLegend);
        // Debiased EMA with w = 0.5 over [0, 2, 2]: 0, 1/0.75, 1.5/0.875.
        Assert.Equal([0, 4.0 / 3, 12.0 / 7], lines[1].Y, (a, b) => Math.Abs(a - b) < 1e-12);
        Assert.Single(ChartLines.Smoothed("loss", [0, 1], [1, 2], "#111", 0, CurveWindow.Whole));
    }
}
