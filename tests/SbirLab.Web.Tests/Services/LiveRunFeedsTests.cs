using System.Collections.Concurrent;
using System.Diagnostics;
using SbirLab.Core.Runs;
using SbirLab.Engine.Training;
using SbirLab.Runs;
using SbirLab.Store.Accounts;
using SbirLab.Web.Services;

namespace SbirLab.Web.Tests.Services;

public sealed class LiveRunFeedsTests : IDisposable
{
    private static readonly TimeSpan Interval = TimeSpan.FromMilliseconds(100);
    private readonly TestLab _lab = new(Interval);

    [Fact]
    public async Task A_fast_run_reaches_a_browser_in_few_batches_with_every_step_in_order()
    {
        long runId = _lab.Service.Queue(Caller.DataFolderOwner, _lab.Triplet());
        using var feeds = new LiveRunFeeds(_lab.Service, _lab.Settings);
        var batches = new ConcurrentQueue<(TimeSpan At, IReadOnlyList<RunEvent> Events)>();
        var clock = Stopwatch.StartNew();
        using var watch = feeds.Watch(Caller.DataFolderOwner, runId, events =>
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
        long runId = _lab.Service.Queue(Caller.DataFolderOwner, _lab.Triplet());
        using var feeds = new LiveRunFeeds(_lab.Service, _lab.Settings);
        var received = new int[20];
        var watches = Enumerable.Range(0, 20).Select(i => feeds.Watch(Caller.DataFolderOwner, runId, events =>
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

    [Fact]
    public async Task A_slow_browser_gets_every_event_later_in_order_and_does_not_hold_up_a_fast_one()
    {
        long runId = _lab.Service.Queue(Caller.DataFolderOwner, _lab.Triplet());
        using var feeds = new LiveRunFeeds(_lab.Service, _lab.Settings);
        var stuck = new TaskCompletionSource();
        var slow = new ConcurrentQueue<long>();
        var fast = new ConcurrentQueue<long>();
        using var slowWatch = feeds.Watch(Caller.DataFolderOwner, runId, async events =>
        {
            foreach (var e in events.OfType<RunStepEvent>()) slow.Enqueue(e.Metrics.Step);
            await stuck.Task; // this browser stops taking renders
        });
        using var fastWatch = feeds.Watch(Caller.DataFolderOwner, runId, events =>
        {
            foreach (var e in events.OfType<RunStepEvent>()) fast.Enqueue(e.Metrics.Step);
            return Task.CompletedTask;
        });

        Publish(runId, 0, 10);
        await WaitFor(() => fast.Count == 10 && !slow.IsEmpty);
        Publish(runId, 10, 20);
        await WaitFor(() => fast.Count == 20);
        Assert.True(slow.Count < 20, $"the stuck browser took {slow.Count} steps");

        stuck.SetResult();
        await WaitFor(() => slow.Count == 20, () => string.Join(",", slow));
        Assert.Equal(Enumerable.Range(0, 20).Select(i => (long)i), slow);
        Assert.Equal(Enumerable.Range(0, 20).Select(i => (long)i), fast);
    }

    [Fact]
    public async Task With_many_browsers_each_gets_fewer_updates_so_that_all_together_keep_to_the_budget()
    {
        using var lab = new TestLab(Interval, liveUpdatesPerSecond: 20); // 20 browsers: one batch a second each
        long runId = lab.Service.Queue(Caller.DataFolderOwner, lab.Triplet());
        using var feeds = new LiveRunFeeds(lab.Service, lab.Settings);
        var batches = new int[20];
        var steps = new ConcurrentQueue<long>[20];
        var watches = Enumerable.Range(0, 20).Select(i =>
        {
            steps[i] = new ConcurrentQueue<long>();
            return feeds.Watch(Caller.DataFolderOwner, runId, events =>
            {
                Interlocked.Increment(ref batches[i]);
                foreach (var e in events.OfType<RunStepEvent>()) steps[i].Enqueue(e.Metrics.Step);
                return Task.CompletedTask;
            });
        }).ToList();
        Assert.Equal(TimeSpan.FromSeconds(1), feeds.CurrentInterval);

        var clock = Stopwatch.StartNew();
        for (int step = 0; step < 25; step++)
        {
            lab.Service.Events.Publish(new RunStepEvent(runId, new StepMetrics(step, 0, new Dictionary<string, double> { ["loss"] = 1 })));
            await Task.Delay(60); // 1.5 s of steps: 15 intervals of 100 ms, but only one or two seconds
        }
        await WaitFor(() => steps.All(s => s.Count == 25), () => string.Join(",", steps.Select(s => s.Count)));
        double seconds = clock.Elapsed.TotalSeconds;

        Assert.All(steps, s => Assert.Equal(Enumerable.Range(0, 25).Select(i => (long)i), s));
        Assert.All(batches, n => Assert.InRange(n, 1, (int)Math.Ceiling(seconds) + 1));
        foreach (var watch in watches) watch.Dispose();
        Assert.Equal(Interval, feeds.CurrentInterval); // alone again: the shortest interval
    }

    private void Publish(long runId, int from, int to)
    {
        for (int step = from; step < to; step++)
            _lab.Service.Events.Publish(new RunStepEvent(runId, new StepMetrics(step, 0, new Dictionary<string, double> { ["loss"] = 1 })));
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
