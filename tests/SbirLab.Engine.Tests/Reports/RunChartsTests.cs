using SbirLab.Engine.Reports;
using SkiaSharp;

namespace SbirLab.Engine.Tests.Reports;

public class RunChartsTests
{
    private static LossHistory History(bool withEpochs)
    {
        double[] steps = [.. Enumerable.Range(0, 300).Select(i => (double)i)];
        double Decay(double s, double scale) => scale * Math.Exp(-s / 120) + 0.05 * Math.Sin(s * 1.7);
        return new LossHistory(steps,
            [
                new LossPart("total", [.. steps.Select(s => Decay(s, 2.0))]),
                new LossPart("embedding", [.. steps.Select(s => Decay(s, 1.0))]),
                new LossPart("cross-entropy", [.. steps.Select(s => Decay(s, 1.5))]),
            ],
            withEpochs ? [1, 2, 3] : [],
            withEpochs ? [new LossPart("total", [1.8, 1.1, 0.8]), new LossPart("embedding", [0.9, 0.5, 0.4])] : []);
    }

    [Fact]
    public void Loss_with_epoch_means_draws_two_panels_side_by_side()
    {
        using var temp = new TempFolder();
        string path = temp.File("loss.png");
        RunCharts.Loss(History(withEpochs: true), path);
        using var bitmap = PictureProbe.Decode(path);
        Assert.Equal((1400, 560), (bitmap.Width, bitmap.Height));
        // Left panel (0..840): the smoothed step curves; right panel (840..1400): epoch means; both in palette colours.
        var left = new SKRect(0, 0, 840, 560);
        var right = new SKRect(840, 0, 1400, 560);
        for (int i = 0; i < 3; i++)
            Assert.True(PictureProbe.CountNear(bitmap, left, ChartPalette.Color(i), 8) > 100, $"step part {i}");
        for (int i = 0; i < 2; i++)
            Assert.True(PictureProbe.CountNear(bitmap, right, ChartPalette.Color(i), 8) > 100, $"epoch part {i}");
    }

    [Fact]
    public void Loss_without_epoch_means_is_one_panel()
    {
        using var temp = new TempFolder();
        string path = temp.File("loss.png");
        RunCharts.Loss(History(withEpochs: false), path);
        using var bitmap = PictureProbe.Decode(path);
        Assert.Equal((900, 560), (bitmap.Width, bitmap.Height));
        var spec = RunCharts.LossStepSpec(History(false));
        Assert.Equal(RunCharts.DefaultLossSmoothing, spec.Smoothing);
        Assert.Equal(["total", "embedding", "cross-entropy"], spec.Series.Select(s => s.Name));
    }

    [Fact]
    public void Precision_recall_puts_the_map_in_each_legend_entry_and_fixes_the_unit_square()
    {
        double[] recall = [0, 0.5, 1];
        var spec = RunCharts.PrecisionRecallSpec(
        [
            new PrCurve("classification", recall, [1, 0.6, 0.1], 0.5812),
            new PrCurve("triplet", recall, [1, 0.8, 0.2], 0.79),
        ]);
        Assert.Equal(["classification (mAP 0.581)", "triplet (mAP 0.790)"], spec.Series.Select(s => s.Name));
        Assert.Equal((0.0, 1.0), spec.XRange);
        Assert.Equal((0.0, 1.0), spec.YRange);
    }

    [Fact]
    public void Precision_recall_picture_overlays_every_curve()
    {
        double[] recall = [.. Enumerable.Range(0, 51).Select(i => i / 50.0)];
        PrCurve Curve(string name, double k, double map) =>
            new(name, recall, [.. recall.Select(r => 1 - (1 - 0.1) * Math.Pow(r, k))], map);
        PrCurve[] curves = [Curve("classification", 0.6, 0.58), Curve("triplet", 1.5, 0.79), Curve("smooth-AP", 2.2, 0.81)];
        using var temp = new TempFolder();
        string path = temp.File("pr.png");
        RunCharts.PrecisionRecall(curves, path);
        using var bitmap = PictureProbe.Decode(path);
        var layout = ChartLayout.Compute(RunCharts.PrecisionRecallSpec(curves), SKRect.Create(bitmap.Width, bitmap.Height));
        for (int i = 0; i < curves.Length; i++)
        {
            double k = i switch { 0 => 0.6, 1 => 1.5, _ => 2.2 };
            float x = layout.XMap.ToPixel(0.8), y = layout.YMap.ToPixel(1 - 0.9 * Math.Pow(0.8, k));
            Assert.True(PictureProbe.AnyNear(bitmap, x, y, ChartPalette.Color(i), radius: 2, tolerance: 10), curves[i].Name);
        }
    }

    [Fact]
    public void Recall_ratio_as_a_fraction_of_the_gallery()
    {
        var spec = RunCharts.RecallRatioSpec([new RecallRatioCurve("triplet", [0, 100, 1000], [0, 0.4, 1])], gallerySize: 1000);
        Assert.Equal([0, 0.1, 1], spec.Series[0].X);
        Assert.Equal((0.0, 1.0), spec.XRange);
        Assert.Equal("fraction of the gallery retrieved", spec.XLabel);
        var counts = RunCharts.RecallRatioSpec([new RecallRatioCurve("triplet", [0, 100, 1000], [0, 0.4, 1])]);
        Assert.Equal([0, 100, 1000], counts.Series[0].X);
        Assert.Null(counts.XRange);
        Assert.Throws<ArgumentOutOfRangeException>(() => RunCharts.RecallRatioSpec([], gallerySize: 0));
    }

    [Fact]
    public void Metric_picture_draws_each_series()
    {
        double[] epochs = [1, 2, 3, 4, 5, 6];
        Series[] series =
        [
            new("train", epochs, [0.30, 0.45, 0.55, 0.62, 0.66, 0.69]),
            new("validation", epochs, [0.28, 0.40, 0.47, 0.50, 0.52, 0.52], Dashed: true),
        ];
        using var temp = new TempFolder();
        string path = temp.File("map.png");
        RunCharts.Metric(path, "mAP per epoch", "mAP", series);
        using var bitmap = PictureProbe.Decode(path);
        var layout = ChartLayout.Compute(RunCharts.MetricSpec("mAP per epoch", "mAP", series), SKRect.Create(900, 560));
        // Six points each: short series get a marker on every point.
        Assert.True(PictureProbe.AnyNear(bitmap, layout.XMap.ToPixel(4), layout.YMap.ToPixel(0.62), ChartPalette.Color(0), 1, 10));
        Assert.True(PictureProbe.AnyNear(bitmap, layout.XMap.ToPixel(4), layout.YMap.ToPixel(0.50), ChartPalette.Color(1), 1, 10));
    }
}
