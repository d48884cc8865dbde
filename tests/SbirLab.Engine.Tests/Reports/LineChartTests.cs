using SbirLab.Engine.Reports;
using SkiaSharp;

namespace SbirLab.Engine.Tests.Reports;

public class LineChartTests
{
    private static readonly SKColor Red = ChartPalette.Parse("#E15759");

    private static ChartSpec Diagonal(string? color = "#E15759", double smoothing = 0) =>
        new("Diagonal", "x", "y",
            [new Series("y = x", [.. Enumerable.Range(0, 101).Select(i => i / 100.0)],
                [.. Enumerable.Range(0, 101).Select(i => i / 100.0)], color)],
            Smoothing: smoothing);

    [Fact]
    public void Writes_a_png_of_the_requested_size()
    {
        using var temp = new TempFolder();
        string path = temp.File("sub/dir/chart.png");
        LineChart.Render(Diagonal(), path, 640, 400);
        using var bitmap = PictureProbe.Decode(path);
        Assert.Equal((640, 400), (bitmap.Width, bitmap.Height));
    }

    [Fact]
    public void The_curve_passes_through_the_pixel_of_its_middle_point()
    {
        var spec = Diagonal();
        using var bitmap = PictureProbe.Decode(LineChart.RenderPng(spec, 640, 400));
        var layout = ChartLayout.Compute(spec, SKRect.Create(640, 400));
        float x = layout.XMap.ToPixel(0.5), y = layout.YMap.ToPixel(0.5);
        Assert.True(PictureProbe.AnyNear(bitmap, x, y, Red, radius: 1, tolerance: 10));
        Assert.True(PictureProbe.CountNear(bitmap, layout.PlotArea, Red, 10) > 200);
        // Far from the diagonal (the free bottom-right, below the legend corner) there is no red.
        Assert.False(PictureProbe.AnyNear(bitmap, layout.XMap.ToPixel(0.9), layout.YMap.ToPixel(0.1), Red, radius: 3, tolerance: 60));
    }

    [Fact]
    public void Text_is_actually_drawn()
    {
        Assert.True(ReportFonts.CanDrawText);
        var spec = Diagonal();
        using var bitmap = PictureProbe.Decode(LineChart.RenderPng(spec, 640, 400));
        var layout = ChartLayout.Compute(spec, SKRect.Create(640, 400));
        var titleStrip = new SKRect(0, 0, 640, layout.PlotArea.Top - 2);
        var tickColumn = new SKRect(0, layout.PlotArea.Top, layout.PlotArea.Left - 6, layout.PlotArea.Bottom);
        Assert.True(PictureProbe.CountDark(bitmap, titleStrip) > 40, "title glyphs");
        Assert.True(PictureProbe.CountDark(bitmap, tickColumn, 160) > 40, "y tick labels and y label");
    }

    [Fact]
    public void Smoothing_draws_the_raw_curve_faint_and_the_average_in_full_colour()
    {
        // Raw values alternate 0.2 / 0.8; the smoothed curve (weight 0.9) settles near 0.5 between them.
        double[] xs = [.. Enumerable.Range(0, 200).Select(i => (double)i)];
        double[] ys = [.. xs.Select(x => x % 2 == 0 ? 0.2 : 0.8)];
        var spec = new ChartSpec("Noisy", "step", "loss", [new Series("loss", xs, ys, "#E15759")], Smoothing: 0.9);
        using var bitmap = PictureProbe.Decode(LineChart.RenderPng(spec));
        var layout = ChartLayout.Compute(spec, SKRect.Create(900, 560));
        float late = layout.XMap.ToPixel(150);
        var column = new SKRect(late - 2, layout.PlotArea.Top, late + 3, layout.PlotArea.Bottom);
        Assert.True(PictureProbe.AnyNear(bitmap, late, layout.YMap.ToPixel(0.5), Red, radius: 2, tolerance: 10));
        Assert.True(PictureProbe.CountNear(bitmap, column, PictureProbe.OverWhite(Red, 64), 8) > 5, "faint raw curve");
        // Full colour only near the average: the band 0.6..0.78 holds faint raw zigzag but no smoothed curve.
        var upperBand = new SKRect(late - 2, layout.YMap.ToPixel(0.78), late + 3, layout.YMap.ToPixel(0.6));
        Assert.Equal(0, PictureProbe.CountNear(bitmap, upperBand, Red, 10));
    }

    [Fact]
    public void Log_axis_puts_the_geometric_middle_in_the_middle()
    {
        // y = 10^x over x in [0, 3]: the axis spans 10^(0 − 0.12)..10^(3 + 0.12) (margin 2 · 2% of 3 decades on
        // each side), symmetric in log space, so y(1.5) = 10^1.5 sits halfway up the plot; decade ticks 1..1000.
        double[] xs = [.. Enumerable.Range(0, 31).Select(i => i / 10.0)];
        var spec = new ChartSpec("Log", "x", "y", [new Series("10^x", xs, [.. xs.Select(x => Math.Pow(10, x))], "#E15759")],
            LogY: true);
        using var bitmap = PictureProbe.Decode(LineChart.RenderPng(spec));
        var layout = ChartLayout.Compute(spec, SKRect.Create(900, 560));
        Assert.Equal(Math.Pow(10, -0.12), layout.YTicks.Min, 9);
        Assert.Equal(Math.Pow(10, 3.12), layout.YTicks.Max, 6);
        Assert.Equal([1.0, 10, 100, 1000], layout.YTicks.Values);
        Assert.True(PictureProbe.AnyNear(bitmap, layout.XMap.ToPixel(1.5), layout.PlotArea.MidY, Red, radius: 2, tolerance: 10));
    }

    [Fact]
    public void Non_finite_points_are_skipped_without_throwing()
    {
        double[] xs = [0, 1, 2, double.NaN, 4, 5];
        double[] ys = [1, double.NaN, 3, 4, double.PositiveInfinity, 6];
        var spec = new ChartSpec("Gaps", "x", "y", [new Series("s", xs, ys, "#E15759")], Smoothing: 0.5);
        var layout = ChartLayout.Compute(spec, SKRect.Create(900, 560));
        Assert.Equal([0.0, 2, 5], layout.Series[0].X);
        using var bitmap = PictureProbe.Decode(LineChart.RenderPng(spec));
        Assert.True(PictureProbe.CountNear(bitmap, layout.PlotArea, Red, 10) > 50);
    }

    [Fact]
    public void A_single_point_is_drawn_as_a_marker()
    {
        var spec = new ChartSpec("One", "epoch", "mAP", [new Series("mAP", [3], [0.42], "#E15759")]);
        var layout = ChartLayout.Compute(spec, SKRect.Create(900, 560));
        using var bitmap = PictureProbe.Decode(LineChart.RenderPng(spec));
        Assert.True(layout.XTicks.Min < 3 && layout.XTicks.Max > 3);
        Assert.True(PictureProbe.AnyNear(bitmap, layout.XMap.ToPixel(3), layout.YMap.ToPixel(0.42), Red, radius: 1, tolerance: 10));
    }

    [Fact]
    public void Empty_series_show_no_data()
    {
        var grey = new SKColor(0x99, 0x99, 0x99);
        var spec = new ChartSpec("Nothing yet", "step", "loss", [new Series("loss", [], [])]);
        var layout = ChartLayout.Compute(spec, SKRect.Create(900, 560));
        var centre = SKRect.Create(layout.PlotArea.MidX - 40, layout.PlotArea.MidY - 15, 80, 30);
        using var empty = PictureProbe.Decode(LineChart.RenderPng(spec));
        using var full = PictureProbe.Decode(LineChart.RenderPng(Diagonal()));
        Assert.False(layout.HasData);
        Assert.True(PictureProbe.CountNear(empty, centre, grey, 30) > 20, "'no data' text");
        Assert.True(PictureProbe.CountNear(full, centre, grey, 30) < 5);
    }

    [Fact]
    public void Mismatched_lengths_are_refused() =>
        Assert.Throws<ArgumentException>(() => LineChart.RenderPng(
            new ChartSpec("Bad", "x", "y", [new Series("s", [1, 2, 3], [1, 2])])));

    [Fact]
    public void Legend_goes_to_the_corner_the_curves_leave_free()
    {
        var size = new SKSize(120, 40);
        // A rising diagonal crosses bottom-left and top-right: top-left is the first free corner.
        var rising = ChartLayout.Compute(Diagonal(), SKRect.Create(900, 560));
        var box = ChartLegend.BestCorner(rising, size);
        Assert.Equal((rising.PlotArea.Left + 10, rising.PlotArea.Top + 10), (box.Left, box.Top));
        // A falling (precision-recall-like) curve crosses top-left and bottom-right: top-right is free.
        double[] xs = [0, 1];
        var falling = ChartLayout.Compute(new ChartSpec("PR", "r", "p", [new Series("p", xs, [1, 0])]), SKRect.Create(900, 560));
        box = ChartLegend.BestCorner(falling, size);
        Assert.Equal((falling.PlotArea.Right - 10, falling.PlotArea.Top + 10), (box.Right, box.Top));
    }

    [Fact]
    public void Series_without_a_colour_take_the_palette_in_order()
    {
        double[] xs = [0, 1, 2, 3];
        var spec = new ChartSpec("Two", "x", "y", [new Series("a", xs, [0, 1, 2, 3]), new Series("b", xs, [3, 2, 1, 0], Dashed: true)]);
        var layout = ChartLayout.Compute(spec, SKRect.Create(900, 560));
        Assert.Equal(ChartPalette.Color(0), layout.Series[0].Color);
        Assert.Equal(ChartPalette.Color(1), layout.Series[1].Color);
        using var bitmap = PictureProbe.Decode(LineChart.RenderPng(spec));
        // The solid rising line passes x = 0.5 at y = 0.5; the dashed one at y = 2.5 (a dash may fall there, so look wider).
        Assert.True(PictureProbe.AnyNear(bitmap, layout.XMap.ToPixel(0.5), layout.YMap.ToPixel(0.5), ChartPalette.Color(0), 1, 10));
        Assert.True(PictureProbe.CountNear(bitmap, layout.PlotArea, ChartPalette.Color(1), 10) > 100);
    }
}
