using SbirLab.Core.Runs;
using SbirLab.Engine.Training;
using SbirLab.Runs;
using SbirLab.Store.Entities;
using SbirLab.Web.Services;

namespace SbirLab.Web.Tests.Services;

public sealed class MetricHistoryTests
{
    private static Dictionary<string, double> Loss(double value) => new() { ["loss"] = value };

    [Fact]
    public void Points_from_the_store_and_the_stream_merge_by_step_without_duplicates()
    {
        var history = new MetricHistory();
        history.Merge([Point(MetricKind.Step, 0, 0, "loss", 1.0), Point(MetricKind.Step, 1, 0, "loss", 0.9)]);
        // The stream repeats step 1 and goes on with 2 and 3.
        foreach (var step in new long[] { 1, 2, 3 })
            history.Apply(new RunStepEvent(7, new StepMetrics(step, 0, Loss(1.0 - 0.1 * step))));

        var (x, y) = history.Steps("loss");
        Assert.Equal([0.0, 1, 2, 3], x);
        Assert.Equal([1.0, 0.9, 0.8, 0.7], y, new Tolerance(1e-12));
        Assert.Equal(3, history.LastStep);
    }

    [Fact]
    public void A_gap_left_by_the_stream_is_filled_by_the_next_reload_in_order()
    {
        var history = new MetricHistory();
        history.Apply(new RunStepEvent(7, new StepMetrics(0, 0, Loss(1))));
        history.Apply(new RunStepEvent(7, new StepMetrics(3, 0, Loss(0.7))));
        history.Merge([Point(MetricKind.Step, 1, 0, "loss", 0.9), Point(MetricKind.Step, 2, 0, "loss", 0.8)]);

        Assert.Equal([0.0, 1, 2, 3], history.Steps("loss").X);
    }

    [Fact]
    public void A_resume_replaces_what_the_earlier_attempt_logged_after_the_checkpoint()
    {
        var history = new MetricHistory();
        for (long s = 0; s < 10; s++) history.AddStep(s, Loss(1));
        history.AddEpoch(0, 5, new Dictionary<string, double> { ["map"] = 0.4 });
        history.AddEpoch(1, 10, new Dictionary<string, double> { ["map"] = 0.5 });

        history.Apply(new RunStarted(7, new RunStart("cpu", 1, 5, 2, 5, 10, 100, "d")));

        Assert.Equal(4, history.LastStep);
        Assert.Equal(5, history.Steps("loss").X.Length);
        Assert.Equal([1.0], history.Epochs("map").X); // epoch 0 shown as 1
        Assert.Equal([4.0], history.EpochEndSteps([1.0])); // ended at step count 5: the last step is 4
    }

    [Fact]
    public void The_version_changes_only_when_a_value_changes()
    {
        var history = new MetricHistory();
        history.AddStep(0, Loss(1));
        long version = history.Version;
        history.AddStep(0, Loss(1));
        Assert.Equal(version, history.Version);
        history.AddStep(0, Loss(2));
        Assert.NotEqual(version, history.Version);
    }

    private static MetricPoint Point(MetricKind kind, long step, int epoch, string name, double value) =>
        new() { Kind = kind, Step = step, Epoch = epoch, Name = name, Value = value };

    private sealed class Tolerance(double epsilon) : IEqualityComparer<double>
    {
        public bool Equals(double a, double b) => Math.Abs(a - b) <= epsilon;
        public int GetHashCode(double value) => 0;
    }
}
