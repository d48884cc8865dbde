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
        var line = Series(ChartLines.MaxPoints);
        Assert.Same(line, ChartLines.Thin(line));
    }

    [Fact]
    public void Long_series_keep_every_power_of_two_th_point_within_the_limit()
    {
        // 4,000 points: stride 2 gives 2,000 (> 1,500), stride 4 gives 1,000.
        var thin = ChartLines.Thin(Series(4000));
        Assert.Equal(1000, thin.X.Length);
        Assert.Equal([0.0, 4, 8], thin.X[..3]);
        Assert.Equal(3996, thin.X[^1]);
        Assert.Equal(1.0 / 3997, thin.Y[^1]);
    }

    [Fact]
    public void A_growing_series_keeps_its_thinned_points_and_only_gains_new_ones_until_the_stride_doubles()
    {
        var before = ChartLines.Thin(Series(3001)).X;   // stride 4 (3,001 / 2 > 1,500)
        var after = ChartLines.Thin(Series(3400)).X;    // still stride 4
        Assert.Equal(before, after[..before.Length]);
        Assert.True(after.Length > before.Length);
        var doubled = ChartLines.Thin(Series(6100)).X;  // stride 8 from 6,001 points on
        Assert.Equal(8, doubled[1]);
    }

    [Fact]
    public void Smoothing_draws_the_raw_curve_faint_behind_its_moving_average()
    {
        var lines = ChartLines.Smoothed("loss", [0, 1, 2], [0, 2, 2], "#111", 0.5).ToList();
        Assert.Equal(2, lines.Count);
        Assert.True(lines[0].Faint);
        Assert.False(lines[0].ShowInLegend);
        // Debiased EMA with w = 0.5 over [0, 2, 2]: 0, 1/0.75, 1.5/0.875.
        Assert.Equal([0, 4.0 / 3, 12.0 / 7], lines[1].Y, (a, b) => Math.Abs(a - b) < 1e-12);
        Assert.Single(ChartLines.Smoothed("loss", [0, 1], [1, 2], "#111", 0));
    }
}
