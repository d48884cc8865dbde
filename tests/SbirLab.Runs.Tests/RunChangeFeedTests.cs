using System.Diagnostics;
using System.Threading.Channels;
using SbirLab.Core.Runs;
using SbirLab.Store;
using SbirLab.Store.Entities;

namespace SbirLab.Runs.Tests;

/// <summary>
/// LISTEN/NOTIFY on a real PostgreSQL: a writer in one store (its own connections and batch writer, as another process
/// has) commits points and status changes; a lab's follower in another store gets them within a bound although its
/// polling interval is five minutes, so only the notification can have woken it.
/// </summary>
public sealed class RunChangeFeedTests(Xunit.Abstractions.ITestOutputHelper output) : IDisposable
{
    /// <summary>From the writer's commit to the follower's event; generous for a loaded 2-core machine (measured: milliseconds).</summary>
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(2);

    private static readonly TimeSpan NoPolling = TimeSpan.FromMinutes(5);
    private readonly CancellationTokenSource _stop = new();
    private TempStore? _temp;
    private RunStore? _writer;
    private RunService? _lab;

    public void Dispose()
    {
        _stop.Cancel();
        _lab?.Dispose();
        _writer?.Dispose();
        _temp?.Dispose();
        _stop.Dispose();
    }

    [SkippableFact]
    public async Task A_follower_in_another_store_gets_each_committed_step_and_the_end_within_the_bound_without_polling()
    {
        var (writer, lab) = Open();
        var run = writer.CreateRunning(TempStore.Config("remote"), new WorkerIdentity("gpu-box", 4242, DateTime.UtcNow));
        var events = Follow(lab.Subscribe(run.Id, pollInterval: NoPolling, cancellationToken: _stop.Token));
        Assert.IsType<RunStatusChanged>(await Next(events)); // the first read: the run is running

        writer.MarkStarted(run.Id, new RunStart("cuda:0", 0, 0, 1, 5, 5, 20, "fashion-mnist"));
        var latencies = new List<double>();
        var others = new List<RunEvent>();
        for (int step = 0; step < 5; step++)
        {
            writer.Writer.AddMetric(run.Id, MetricKind.Step, step, 0, "loss", 1.0 / (step + 1));
            writer.Writer.Flush();
            var committed = Stopwatch.StartNew();
            var got = await NextStep(events, others);
            latencies.Add(committed.Elapsed.TotalMilliseconds);
            Assert.Equal(step, got.Metrics.Step);
            Assert.Equal(1.0 / (step + 1), got.Metrics.Values["loss"]);
        }
        var started = Assert.IsType<RunStarted>(Assert.Single(others)); // the run's length, told once, for the page's progress
        Assert.Equal((5L, 1), (started.Start.TotalSteps, started.Start.Epochs));
        output.WriteLine("step → follower, ms: " + string.Join(", ", latencies.Select(l => l.ToString("F1", System.Globalization.CultureInfo.InvariantCulture))));

        writer.Finish(run.Id, RunStatus.Completed, "completed");
        var end = Assert.IsType<RunStatusChanged>(await Next(events)); // told by the Runs trigger, not by the writer's batch
        Assert.Equal(RunStatus.Completed, end.Status);
    }

    [SkippableFact]
    public async Task A_burst_of_points_is_read_in_batches_each_step_once_and_in_order()
    {
        var (writer, lab) = Open();
        var run = writer.CreateRunning(TempStore.Config("burst"), new WorkerIdentity("gpu-box", 4243, DateTime.UtcNow));
        var events = Follow(lab.Subscribe(run.Id, pollInterval: NoPolling, cancellationToken: _stop.Token));
        await Next(events);

        const int Steps = 2_000;
        for (int step = 0; step < Steps; step++)
        {
            writer.Writer.AddMetric(run.Id, MetricKind.Step, step, 0, "loss", step);
            writer.Writer.AddMetric(run.Id, MetricKind.Step, step, 0, "lr", 0.1);
        }
        writer.Writer.Flush();
        var steps = new List<long>();
        while (steps.Count < Steps) steps.Add(Assert.IsType<RunStepEvent>(await Next(events)).Metrics.Step);
        Assert.Equal(Enumerable.Range(0, Steps).Select(s => (long)s), steps);
        output.WriteLine($"{Steps} steps ({2 * Steps} points) arrived with {lab.Store.Changes!.Received} notifications");
        // the writer commits a few batches, each one notification; the follower reads once per notification, not per step
        Assert.InRange(lab.Store.Changes!.Received, 1, 50);
    }

    [SkippableFact]
    public async Task The_lab_hears_status_changes_that_another_process_makes()
    {
        var (writer, lab) = Open();
        lab.FollowOtherProcesses();
        var all = Follow(lab.SubscribeAll(_stop.Token));
        Assert.True(lab.Store.Changes!.WaitUntilListening(Bound));

        long id = writer.Queue(TempStore.Config("queued-elsewhere"));
        Assert.Equal((id, RunStatus.Queued), Status(await Next(all)));
        writer.ClaimNext(new WorkerIdentity("gpu-box", 4244, DateTime.UtcNow));
        Assert.Equal((id, RunStatus.Running), Status(await Next(all)));
        writer.Finish(id, RunStatus.Failed, "out of memory");
        var failed = Assert.IsType<RunStatusChanged>(await Next(all));
        Assert.Equal((id, RunStatus.Failed, "out of memory"), (failed.RunId, failed.Status, failed.Message));
    }

    private (RunStore Writer, RunService Lab) Open()
    {
        _temp = new TempStore(provider: StoreProvider.Postgres);
        _writer = _temp.OpenAnother();
        _lab = new RunService(_temp.Store);
        return (_writer, _lab);
    }

    private static (long, RunStatus) Status(RunEvent e) => e is RunStatusChanged s ? (s.RunId, s.Status) : (e.RunId, (RunStatus)(-1));

    /// <summary>Pumps a subscription into a channel so that each event can be awaited with the bound.</summary>
    private ChannelReader<RunEvent> Follow(IAsyncEnumerable<RunEvent> events)
    {
        var channel = Channel.CreateUnbounded<RunEvent>();
        _ = Task.Run(async () =>
        {
            try
            {
                await foreach (var e in events) channel.Writer.TryWrite(e);
            }
            catch (OperationCanceledException) { /* the test is over */ }
        });
        return channel.Reader;
    }

    /// <summary>The next step event; the other events on the way go to <paramref name="others"/>.</summary>
    private static async Task<RunStepEvent> NextStep(ChannelReader<RunEvent> events, List<RunEvent> others)
    {
        while (true)
        {
            var next = await Next(events);
            if (next is RunStepEvent step) return step;
            others.Add(next);
        }
    }

    private static async Task<RunEvent> Next(ChannelReader<RunEvent> events)
    {
        using var timeout = new CancellationTokenSource(Bound);
        return await events.ReadAsync(timeout.Token);
    }
}
