using SbirLab.Engine.Reports;

namespace SbirLab.Engine.Tests.Reports;

public class ExponentialSmoothingTests
{
    [Fact]
    public void Debiased_ema_of_0_2_2_with_half_weight()
    {
        // last: 0.5·0 + 0.5·0 = 0 -> 0 / (1 − 0.5) = 0
        // last: 0.5·0 + 0.5·2 = 1 -> 1 / (1 − 0.25) = 4/3
        // last: 0.5·1 + 0.5·2 = 1.5 -> 1.5 / (1 − 0.125) = 12/7
        var smoothed = ExponentialSmoothing.Ema([0, 2, 2], 0.5);
        Assert.Equal([0, 4.0 / 3, 12.0 / 7], smoothed, new Close(1e-12));
    }

    [Fact]
    public void Plain_ema_of_0_2_2_with_half_weight_starts_at_the_first_value()
    {
        // last = 0; then 0.5·0 + 0.5·2 = 1; then 0.5·1 + 0.5·2 = 1.5.
        var smoothed = ExponentialSmoothing.Ema([0, 2, 2], 0.5, debias: false);
        Assert.Equal([0, 1, 1.5], smoothed, new Close(1e-12));
    }

    [Fact]
    public void A_constant_stays_constant_when_debiased()
    {
        // 0.5·0 + 0.5·5 = 2.5, /0.5 = 5; 0.5·2.5 + 2.5 = 3.75, /0.75 = 5; 0.5·3.75 + 2.5 = 4.375, /0.875 = 5.
        Assert.Equal([5, 5, 5], ExponentialSmoothing.Ema([5, 5, 5], 0.5), new Close(1e-12));
    }

    [Fact]
    public void Non_finite_values_pass_through_as_nan_and_leave_the_average_alone()
    {
        // 1 -> 0.5 / 0.5 = 1; NaN skipped; 3 -> 0.5·0.5 + 0.5·3 = 1.75, counted as the 2nd value: /0.75 = 7/3.
        var smoothed = ExponentialSmoothing.Ema([1, double.NaN, 3, double.PositiveInfinity], 0.5);
        Assert.Equal(1, smoothed[0], 12);
        Assert.True(double.IsNaN(smoothed[1]));
        Assert.Equal(7.0 / 3, smoothed[2], 12);
        Assert.True(double.IsNaN(smoothed[3]));
    }

    [Fact]
    public void Over_100000_values_the_running_power_stays_within_1e_12_of_the_power_definition()
    {
        var random = new Random(3);
        double[] values = [.. Enumerable.Range(0, 100_000).Select(i => Math.Exp(-i / 20_000.0) + 0.05 * random.NextDouble())];
        const double weight = 0.999; // w^n far from 0 for thousands of values: the debias term matters long
        var smoothed = ExponentialSmoothing.Ema(values, weight);

        double last = 0;
        for (int i = 0; i < values.Length; i++)
        {
            last = weight * last + (1 - weight) * values[i];
            double expected = last / (1 - Math.Pow(weight, i + 1));
            Assert.True(Math.Abs(smoothed[i] - expected) <= 1e-12 * Math.Abs(expected), $"value {i}: {smoothed[i]} against {expected}");
        }
    }

    [Fact]
    public void Zero_weight_returns_the_values()
    {
        double[] values = [3, -1, 4, 1, -5];
        Assert.Equal(values, ExponentialSmoothing.Ema(values, 0));
    }

    [Theory]
    [InlineData(1.0)]
    [InlineData(-0.1)]
    [InlineData(double.NaN)]
    public void Weights_outside_zero_to_one_are_refused(double weight) =>
        Assert.Throws<ArgumentOutOfRangeException>(() => ExponentialSmoothing.Ema([1, 2], weight));

    private sealed class Close(double tolerance) : IEqualityComparer<double>
    {
        public bool Equals(double x, double y) => Math.Abs(x - y) <= tolerance;

        public int GetHashCode(double obj) => 0;
    }
}
