using System.Collections.Concurrent;
using System.Threading.Channels;
using SbirLab.Core.Evaluations;
using SbirLab.Core.Runs;

namespace SbirLab.Runs;

/// <summary>
/// In-process publish/subscribe of run events. Every subscriber has its own bounded channel that drops
/// its oldest events when it falls behind, so a slow browser can never hold up a training thread:
/// <see cref="Publish"/> never blocks.
/// </summary>
public sealed class RunEventHub
{
    private readonly ConcurrentDictionary<Subscription, byte> _subscriptions = new();

    /// <summary>Events a subscriber may have waiting before the oldest are dropped.</summary>
    public int Capacity { get; init; } = 10_000;

    private readonly ConcurrentDictionary<long, (RunStatus Status, string? Message)> _lastStatus = new();

    /// <summary>
    /// Delivers <paramref name="runEvent"/> to every subscriber of its run and of all runs. A status change equal to the
    /// last one published for the run (status and message) is dropped: the same change may be told by this process and
    /// by the database's notification of it (<see cref="RunService.FollowOtherProcesses"/>).
    /// </summary>
    public void Publish(RunEvent runEvent)
    {
        if (runEvent is RunStatusChanged changed)
        {
            var status = (changed.Status, changed.Message);
            if (_lastStatus.TryGetValue(changed.RunId, out var last) && last == status) return;
            _lastStatus[changed.RunId] = status;
        }
        else if (runEvent is RunDeleted deleted)
        {
            _lastStatus.TryRemove(deleted.RunId, out _);
        }
        foreach (var subscription in _subscriptions.Keys)
            if (subscription.RunId is null || subscription.RunId == runEvent.RunId)
                subscription.Writer.TryWrite(runEvent);
    }

    /// <summary>Subscribes to one run (or to every run when <paramref name="runId"/> is null); dispose to leave.</summary>
    public Subscription Open(long? runId)
    {
        var channel = Channel.CreateBounded<RunEvent>(new BoundedChannelOptions(Capacity)
        {
            FullMode = BoundedChannelFullMode.DropOldest,
            SingleReader = true,
        });
        var subscription = new Subscription(this, runId, channel);
        _subscriptions[subscription] = 0;
        return subscription;
    }

    public int SubscriberCount => _subscriptions.Count;

    /// <summary>One subscriber's channel.</summary>
    public sealed class Subscription : IDisposable
    {
        private readonly RunEventHub _hub;
        private readonly Channel<RunEvent> _channel;

        internal Subscription(RunEventHub hub, long? runId, Channel<RunEvent> channel)
        {
            _hub = hub;
            RunId = runId;
            _channel = channel;
        }

        public long? RunId { get; }
        public ChannelReader<RunEvent> Reader => _channel.Reader;
        internal ChannelWriter<RunEvent> Writer => _channel.Writer;

        public void Dispose()
        {
            _hub._subscriptions.TryRemove(this, out _);
            _channel.Writer.TryComplete();
        }
    }
}

/// <summary>Turns a run's training events into hub events.</summary>
internal sealed class HubObserver(RunEventHub hub, long runId) : ITrainingObserver
{
    public void OnStart(RunStart start) => hub.Publish(new RunStarted(runId, start));
    public void OnStep(StepMetrics step) => hub.Publish(new RunStepEvent(runId, step));
    public void OnEpoch(EpochMetrics epoch) => hub.Publish(new RunEpochEvent(runId, epoch));
    public void OnLog(string line) => hub.Publish(new RunLogEvent(runId, line));
    public void OnCheckpoint(CheckpointInfo checkpoint) => hub.Publish(new RunCheckpointEvent(runId, checkpoint));
    public void OnEvaluation(EvaluationResult evaluation) => hub.Publish(new RunEvaluationEvent(runId));
}
