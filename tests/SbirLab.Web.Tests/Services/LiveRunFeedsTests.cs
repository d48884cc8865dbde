using System.Collections.Concurrent;
using System.Diagnostics;
using SbirLab.Engine.Training;
using SbirLab.Runs;
using SbirLab.Web.Services;

namespace SbirLab.Web.Tests.Services;

public sealed class LiveRunFeedsTests : IDisposable
{
    private static readonly TimeSpan Interval = TimeSpan.FromMilliseconds(100);
    private readonly TestLab _lab = new(Interval);

    [Fact]
    public async Task A_fast_run_reaches_a_browser_in_few_batches_with_every_step_in_order()
    {
        long runId = _lab.Service.Queue(_lab.Triplet());
        using var feeds = new LiveRunFeeds(_lab.Service, _lab.Settings);
        var batches = new ConcurrentQueue<(TimeSpan At, IReadOnlyList<RunEvent> Events)>();
        var clock = Stopwatch.StartNew();
        using var watch = feeds.Watch(runId, events =>
        {
            batches.Enqueue((clock.Elapsed, events));
            return Task.CompletedTask;
        });
        Assert.Equal(1, _lab.Service.Events.SubscriberCount); // subscribed before Watch returned

        // 1,000 steps in about 0.8 s: over a thousand events a second.
        var publishStart = clock.Elapsed;
        for (int step = 0; step < 1000; step++)
        {
            _lab.Service.Events.Publish(new RunStepEvent(runId, new StepMetrics(step, 0, new Dictionary<string, double> { ["loss"] = 1 })));
            if (step % 50 == 49) await Task.Delay(40);
        }
        var publishEnd = clock.Elapsed;
        await WaitFor(() => Steps(batches).Count == 1000);

        Assert.Equal(Enumerable.Range(0, 1000).Select(i => (long)i), Steps(batches));
        var times = batches.Where(b => b.Events.Any(e => e is RunStepEvent)).Select(b => b.At).ToList();
        // At most one batch per interval: the steps span about 0.8 s, so about 8 batches, never 1,000.
        int allowed = (int)((publishEnd - publishStart + Interval) / Interval) + 2;
        Assert.InRange(times.Count, 2, allowed);
        for (int i = 1; i < times.Count; i++) Assert.True(times[i] - times[i - 1] >= Interval * 0.5, $"batches {i - 1} and {i} came {(times[i] - times[i - 1]).TotalMilliseconds} ms apart");
    }

    [Fact]
    public async Task Twenty_browsers_on_one_run_share_one_subscription_which_closes_when_they_leave()
    {
        long runId = _lab.Service.Queue(_lab.Triplet());
        using var feeds = new LiveRunFeeds(_lab.Service, _lab.Settings);
        var received = new int[20];
        var watches = Enumerable.Range(0, 20).Select(i => feeds.Watch(runId, events =>
        {
            Interlocked.Add(ref received[i], events.Count(e => e is RunStepEvent));
            return Task.CompletedTask;
        })).ToList();
        Assert.Equal(1, feeds.UpstreamCount);
        Assert.Equal(20, feeds.WatcherCount);
        Assert.Equal(1, _lab.Service.Events.SubscriberCount);

        for (int step = 0; step < 30; step++)
            _lab.Service.Events.Publish(new RunStepEvent(runId, new StepMetrics(step, 0, new Dictionary<string, double> { ["loss"] = 1 })));
        await WaitFor(() => received.All(n => n == 30), () => string.Join(",", received));

        foreach (var watch in watches) watch.Dispose();
        Assert.Equal(0, feeds.UpstreamCount);
        Assert.Equal(0, feeds.WatcherCount);
    }

    private static List<long> Steps(IEnumerable<(TimeSpan, IReadOnlyList<RunEvent> Events)> batches) =>
        batches.SelectMany(b => b.Events).OfType<RunStepEvent>().Select(e => e.Metrics.Step).ToList();

    private static async Task WaitFor(Func<bool> condition, Func<string>? state = null)
    {
        var deadline = DateTime.UtcNow.AddSeconds(10);
        while (!condition() && DateTime.UtcNow < deadline) await Task.Delay(20);
        Assert.True(condition(), "timed out " + state?.Invoke());
    }

    public void Dispose() => _lab.Dispose();
}
