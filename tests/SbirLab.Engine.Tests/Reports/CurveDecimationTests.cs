using SbirLab.Engine.Reports;
using SkiaSharp;

namespace SbirLab.Engine.Tests.Reports;

public class CurveDecimationTests
{
    /// <summary>1,000 points over 10 pixel columns (100 per column) with pseudo-random heights.</summary>
    private static SKPoint[] Dense()
    {
        var random = new Random(11);
        return [.. Enumerable.Range(0, 1000).Select(i => new SKPoint(i / 100f, (float)random.NextDouble() * 50))];
    }

    [Fact]
    public void Envelope_keeps_each_columns_extremes_in_order()
    {
        var points = Dense();
        var reduced = CurveDecimation.Reduce(points, plotWidth: 10);
        Assert.InRange(reduced.Count, 10, 40);
        for (int column = 0; column < 10; column++)
        {
            var original = points.Where(p => (int)p.X == column).ToArray();
            var kept = reduced.Where(p => (int)p.X == column).ToArray();
            Assert.Equal(original.Min(p => p.Y), kept.Min(p => p.Y));
            Assert.Equal(original.Max(p => p.Y), kept.Max(p => p.Y));
            Assert.Equal(original[0], kept[0]);
            Assert.Equal(original[^1], kept[^1]);
        }
        Assert.True(reduced.Zip(reduced.Skip(1)).All(pair => pair.First.X <= pair.Second.X));
    }

    [Fact]
    public void Mean_mode_keeps_one_averaged_point_per_column()
    {
        var points = Dense();
        var reduced = CurveDecimation.Reduce(points, plotWidth: 10, envelope: false);
        Assert.Equal(10, reduced.Count);
        for (int column = 0; column < 10; column++)
            Assert.Equal(points.Where(p => (int)p.X == column).Average(p => p.Y), reduced[column].Y, 3);
    }

    [Fact]
    public void Sparse_curves_are_left_alone()
    {
        var points = Dense()[..40];
        Assert.Same(points, CurveDecimation.Reduce(points, plotWidth: 10));
    }
}
