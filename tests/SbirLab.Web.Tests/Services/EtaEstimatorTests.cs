using SbirLab.Web.Services;

namespace SbirLab.Web.Tests.Services;

public sealed class EtaEstimatorTests
{
    private static readonly DateTime T0 = new(2026, 1, 1, 12, 0, 0, DateTimeKind.Utc);

    [Fact]
    public void The_rate_over_the_window_gives_the_time_left()
    {
        var eta = new EtaEstimator(TimeSpan.FromSeconds(60));
        eta.Observe(T0, 0);
        eta.Observe(T0.AddSeconds(10), 50);
        // 50 steps in 10 s = 5 steps/s; 100 − 50 = 50 steps left → 10 s.
        Assert.Equal(5.0, eta.StepsPerSecond);
        Assert.Equal(TimeSpan.FromSeconds(10), eta.Remaining(100));
    }

    [Fact]
    public void Old_observations_leave_the_window_so_a_slow_start_is_forgotten()
    {
        var eta = new EtaEstimator(TimeSpan.FromSeconds(30));
        eta.Observe(T0, 0);
        eta.Observe(T0.AddSeconds(60), 10);   // a slow start (data loading)
        eta.Observe(T0.AddSeconds(70), 110);  // then 10 steps/s
        eta.Observe(T0.AddSeconds(80), 210);
        // The window keeps t = 60..80: (210 − 10) / 20 s = 10 steps/s.
        Assert.Equal(10.0, eta.StepsPerSecond);
    }

    [Fact]
    public void A_restart_from_a_checkpoint_starts_the_estimate_again()
    {
        var eta = new EtaEstimator();
        eta.Observe(T0, 100);
        eta.Observe(T0.AddSeconds(10), 200);
        eta.Observe(T0.AddSeconds(20), 150);
        Assert.Null(eta.StepsPerSecond);
        Assert.Null(eta.Remaining(1000));
    }

    [Theory]
    [InlineData(3725, "1 h 02 min")]
    [InlineData(185, "3 min 05 s")]
    [InlineData(11.2, "12 s")]
    public void Times_left_read_as_a_person_says_them(double seconds, string text) =>
        Assert.Equal(text, EtaEstimator.Format(TimeSpan.FromSeconds(seconds)));
}
