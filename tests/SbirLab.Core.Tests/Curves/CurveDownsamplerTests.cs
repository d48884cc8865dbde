using SbirLab.Core.Curves;

namespace SbirLab.Core.Tests.Curves;

public sealed class CurveDownsamplerTests
{
    private static readonly double[] Steps = [.. Enumerable.Range(0, 16).Select(i => (double)i)];
    private static readonly double[] Values = [5, 3, 9, 1, 4, 4, 7, 2, 6, 6, 100, 6, 0, 6, 6, 5];

    [Fact]
    public void Each_bucket_keeps_its_min_and_max_and_the_range_its_first_and_last_point()
    {
        // 16 points on 2 pixels: buckets of 8 steps (15 / 2 = 7.5, rounded up to a power of two), steps 0-7 and 8-15.
        // Bucket 0: max 9 at step 2, min 1 at step 3. Bucket 1: max 100 at step 10, min 0 at step 12. Plus steps 0 and 15.
        var (x, y) = CurveDownsampler.Downsample(Steps, Values, new CurveWindow(null, null, 2));

        Assert.Equal([0.0, 2, 3, 10, 12, 15], x);
        Assert.Equal([5.0, 9, 1, 100, 0, 5], y);
    }

    [Fact]
    public void A_range_is_clipped_to_its_points_plus_one_neighbour_on_either_side()
    {
        // Steps 4-11 on 2 pixels: buckets of 4 (7 / 2 = 3.5 → 4), aligned to multiples of 4: steps 4-7 and 8-11.
        // Bucket 4-7 (4, 4, 7, 2): max 7 at 6, min 2 at 7. Bucket 8-11 (6, 6, 100, 6): min 6 at 8 (the first), max 100 at 10.
        // Plus the range's first (4) and last (11) steps, and the neighbours 3 and 12 that carry the line to the edges.
        var (x, y) = CurveDownsampler.Downsample(Steps, Values, new CurveWindow(4, 11, 2));

        Assert.Equal([3.0, 4, 6, 7, 8, 10, 11, 12], x);
        Assert.Equal([1.0, 4, 7, 2, 6, 100, 6, 0], y);
    }

    [Fact]
    public void A_range_with_at_most_two_points_per_pixel_comes_back_whole()
    {
        var (x, y) = CurveDownsampler.Downsample(Steps, Values, new CurveWindow(4, 7, 2));

        Assert.Equal([3.0, 4, 5, 6, 7, 8], x);
        Assert.Equal([1.0, 4, 4, 7, 2, 6], y);
    }

    [Fact]
    public void A_range_between_two_points_keeps_both_so_the_line_crosses_the_chart()
    {
        var (x, _) = CurveDownsampler.Downsample([0, 10, 20], [1, 2, 3], new CurveWindow(12, 18, 100));
        Assert.Equal([10.0, 20], x);
    }

    [Fact]
    public void A_one_step_spike_and_a_one_step_dip_in_100000_steps_survive_on_500_pixels()
    {
        var x = Enumerable.Range(0, 100_000).Select(i => (double)i).ToArray();
        var y = x.Select(s => 1 + 0.001 * Math.Sin(s / 50)).ToArray();
        y[54_321] = 50;
        y[54_322] = -50; // same bucket as the spike

        var (kx, ky) = CurveDownsampler.Downsample(x, y, new CurveWindow(null, null, 500));

        Assert.InRange(kx.Length, 500, 1002);
        Assert.Equal(54_321, kx[Array.IndexOf(ky, 50.0)]);
        Assert.Equal(54_322, kx[Array.IndexOf(ky, -50.0)]);
        Assert.Equal(0, kx[0]);
        Assert.Equal(99_999, kx[^1]);
    }

    [Fact]
    public void As_a_curve_grows_the_points_of_its_finished_buckets_stay_the_same()
    {
        var random = new Random(7);
        var x = Enumerable.Range(0, 1000).Select(i => (double)i).ToArray();
        var y = x.Select(_ => random.NextDouble()).ToArray();
        var window = new CurveWindow(null, null, 100);

        var (shortX, shortY) = CurveDownsampler.Downsample(x.AsSpan(0, 900), y.AsSpan(0, 900), window); // 899 / 100 → buckets of 16
        var (longX, longY) = CurveDownsampler.Downsample(x, y, window);                                   // 999 / 100 → still 16

        int finished = shortX.Count(s => s < 896); // 896 = 56 × 16 starts the short curve's last bucket
        Assert.True(finished > 100);
        Assert.Equal(shortX[..finished], longX[..finished]);
        Assert.Equal(shortY[..finished], longY[..finished]);
    }

    [Fact]
    public void NaN_is_never_an_extreme_and_a_bucket_of_only_NaN_keeps_one_point_for_the_gap()
    {
        double[] y = [1, double.NaN, 3, 2, double.NaN, double.NaN, double.NaN, double.NaN, 4, 5, 6, 7];
        var x = Enumerable.Range(0, y.Length).Select(i => (double)i).ToArray();

        // 11 / 3 → buckets of 4: steps 0-3 (min 1 at 0, max 3 at 2), 4-7 (NaN only: keeps 4), 8-11 (min 4 at 8, max 7 at 11).
        var (kx, ky) = CurveDownsampler.Downsample(x, y, new CurveWindow(null, null, 3));

        Assert.Equal([0.0, 2, 4, 8, 11], kx);
        Assert.True(double.IsNaN(ky[2]));
    }

    [Fact]
    public void A_window_from_a_browser_is_checked_field_by_field()
    {
        var width = Assert.Throws<ArgumentOutOfRangeException>(() => CurveWindow.Checked(0, 10, 0));
        Assert.Equal("width", width.ParamName);
        Assert.Contains("between 1 and 4096", width.Message);
        var order = Assert.Throws<ArgumentOutOfRangeException>(() => CurveWindow.Checked(10, 0, 100));
        Assert.Equal("from", order.ParamName);
        Assert.Throws<ArgumentOutOfRangeException>(() => CurveWindow.Checked(double.NaN, 0, 100));
        Assert.Equal(new CurveWindow(null, 5, 100), CurveWindow.Checked(null, 5, 100));
    }

    [Fact]
    public void Empty_and_mismatched_curves()
    {
        Assert.Empty(CurveDownsampler.Downsample([], [], CurveWindow.Whole).X);
        Assert.Throws<ArgumentException>(() => CurveDownsampler.Downsample([1, 2], [1], CurveWindow.Whole));
    }
}
