using SbirLab.Core.Runs;

namespace SbirLab.Core.Tests.Runs;

public class RunTransitionsTests
{
    [Fact]
    public void AQueuedRunStartsOrStopsAndARunningOneEndsInEveryWay()
    {
        Assert.True(RunTransitions.Allows(RunStatus.Queued, RunStatus.Running));
        Assert.True(RunTransitions.Allows(RunStatus.Queued, RunStatus.Stopped));
        Assert.False(RunTransitions.Allows(RunStatus.Queued, RunStatus.Completed));
        foreach (var end in new[] { RunStatus.Completed, RunStatus.Failed, RunStatus.Stopped, RunStatus.Diverged, RunStatus.Interrupted })
            Assert.True(RunTransitions.Allows(RunStatus.Running, end), end.ToString());
        Assert.False(RunTransitions.Allows(RunStatus.Running, RunStatus.Queued));
    }

    [Fact]
    public void OnlyStoppedAndInterruptedRunsResumeAndFinishedRunsStayFinished()
    {
        Assert.Equal([RunStatus.Stopped, RunStatus.Interrupted], RunTransitions.Into(RunStatus.Queued));
        Assert.All(Enum.GetValues<RunStatus>(), s => Assert.Equal(s is RunStatus.Stopped or RunStatus.Interrupted, RunTransitions.CanResume(s)));
        foreach (var final in new[] { RunStatus.Completed, RunStatus.Failed, RunStatus.Diverged })
            Assert.All(Enum.GetValues<RunStatus>(), to => Assert.False(RunTransitions.Allows(final, to)));
        Assert.False(RunTransitions.CanDelete(RunStatus.Running));
        Assert.True(RunTransitions.CanDelete(RunStatus.Queued));
    }

    [Fact]
    public void ARefusedChangeSaysWhatTheRunIsAndWhatTheChangeNeeds()
    {
        var e = Assert.Throws<InvalidOperationException>(() => RunTransitions.Ensure(7, RunStatus.Completed, RunStatus.Queued, "resumed"));
        Assert.Equal("run 7 is completed; only stopped or interrupted runs can be resumed", e.Message);
        RunTransitions.Ensure(7, RunStatus.Stopped, RunStatus.Queued, "resumed");
    }
}
