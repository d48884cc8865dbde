using SbirLab.Engine.Reports;

namespace SbirLab.Engine.Tests.Reports;

public class NiceScaleTests
{
    [Fact]
    public void Loose_ticks_for_zero_to_0_87_step_by_0_2_up_to_1()
    {
        // range: nice(0.87, ceil) = 1; step: nice(1 / 5 = 0.2, round) = 0.2; axis: floor(0/0.2)·0.2 = 0 .. ceil(0.87/0.2)·0.2 = 1.
        var ticks = NiceScale.Linear(0, 0.87);
        Assert.Equal([0, 0.2, 0.4, 0.6, 0.8, 1.0], ticks.Values);
        Assert.Equal((0.0, 1.0), (ticks.Min, ticks.Max));
        Assert.Equal(0.2, ticks.Step, 12);
    }

    [Fact]
    public void Ticks_within_a_fixed_zero_to_0_87_range_stop_at_0_8()
    {
        var ticks = NiceScale.LinearWithin(0, 0.87);
        Assert.Equal([0, 0.2, 0.4, 0.6, 0.8], ticks.Values);
        Assert.Equal((0.0, 0.87), (ticks.Min, ticks.Max));
    }

    [Theory]
    // (3, 97): nice(94, ceil) = 100, step nice(20) = 20 -> 0..100.
    [InlineData(3, 97, 0, 100, 20)]
    // (-1.3, 2.1): nice(3.4, ceil) = 5, step nice(1) = 1 -> -2..3.
    [InlineData(-1.3, 2.1, -2, 3, 1)]
    // (0.012, 0.047): nice(0.035, ceil) = 0.05, step nice(0.01) = 0.01 -> 0.01..0.05.
    [InlineData(0.012, 0.047, 0.01, 0.05, 0.01)]
    public void Hand_worked_ranges(double dataMin, double dataMax, double axisMin, double axisMax, double step)
    {
        var ticks = NiceScale.Linear(dataMin, dataMax);
        Assert.Equal(axisMin, ticks.Min, 9);
        Assert.Equal(axisMax, ticks.Max, 9);
        Assert.Equal(step, ticks.Step, 12);
    }

    [Fact]
    public void Random_ranges_get_covering_evenly_spaced_one_two_five_steps()
    {
        var random = new Random(7);
        for (int trial = 0; trial < 500; trial++)
        {
            double scale = Math.Pow(10, random.Next(-6, 7));
            double a = (random.NextDouble() - 0.5) * scale, b = a + random.NextDouble() * scale + 1e-9 * scale;
            var ticks = NiceScale.Linear(a, b);
            Assert.True(ticks.Min <= a && ticks.Max >= b, $"[{ticks.Min}, {ticks.Max}] must cover [{a}, {b}]");
            double mantissa = ticks.Step / Math.Pow(10, Math.Floor(Math.Log10(ticks.Step) + 1e-9));
            Assert.Contains(Math.Round(mantissa, 6), new[] { 1.0, 2.0, 5.0 });
            Assert.InRange(ticks.Values.Length, 3, 12);
            for (int i = 1; i < ticks.Values.Length; i++)
                Assert.Equal(ticks.Step, ticks.Values[i] - ticks.Values[i - 1], ticks.Step * 1e-6);
        }
    }

    [Fact]
    public void A_single_value_is_padded_into_a_real_range()
    {
        var ticks = NiceScale.Linear(5, 5);
        Assert.True(ticks.Min < 5 && ticks.Max > 5);
        var zero = NiceScale.Linear(0, 0);
        Assert.True(zero.Min < 0 && zero.Max > 0);
    }

    [Fact]
    public void Log_ticks_are_decades_and_add_two_and_five_on_short_spans()
    {
        Assert.Equal([0.001, 0.01, 0.1, 1, 10, 100], NiceScale.Log(0.003, 42).Values, new ToleranceComparer(1e-12));
        // 0.2..3 spans 10^-1..10^1 (two decades), so 2 and 5 times each decade are labelled as well.
        Assert.Equal([0.1, 0.2, 0.5, 1, 2, 5, 10], NiceScale.Log(0.2, 3).Values, new ToleranceComparer(1e-12));
    }

    [Theory]
    [InlineData(0.6000000000000001, 0.2, "0.6")]
    [InlineData(0, 0.2, "0")]
    [InlineData(25000, 5000, "25k")]
    [InlineData(10500, 500, "10500")]
    [InlineData(0.00025, 0.00005, "2.5e-4")]
    [InlineData(40, 10, "40")]
    [InlineData(-0.05, 0.05, "-0.05")]
    public void Linear_labels(double value, double step, string expected) =>
        Assert.Equal(expected, NiceScale.FormatLinear(value, step));

    [Theory]
    [InlineData(1e-5, "1e-5")]
    [InlineData(2e6, "2e6")]
    [InlineData(0.01, "0.01")]
    [InlineData(500, "500")]
    public void Log_labels(double value, string expected) => Assert.Equal(expected, NiceScale.FormatLog(value));

    private sealed class ToleranceComparer(double tolerance) : IEqualityComparer<double>
    {
        public bool Equals(double x, double y) => Math.Abs(x - y) <= tolerance * Math.Max(1, Math.Abs(x));

        public int GetHashCode(double obj) => 0;
    }
}
