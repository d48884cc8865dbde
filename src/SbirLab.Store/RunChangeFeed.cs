using System.Collections.Concurrent;
using System.Globalization;
using Npgsql;

namespace SbirLab.Store;

/// <summary>
/// PostgreSQL's LISTEN/NOTIFY for runs, so that a lab on one machine follows a worker on another without polling at a
/// high rate. Writers notify <see cref="Channel"/> in the transaction that commits the change (the notification is
/// delivered only if it commits): the batch writer with <c>p:&lt;run id&gt;</c> for new metric points and log lines, and a
/// trigger on <c>Runs</c> (migration <c>RunChangeNotifications</c>) with <c>s:&lt;run id&gt;</c> when a run is queued, changes
/// status or message, or is deleted, whichever process made the change. One connection per store LISTENs on a thread of
/// its own; a follower asks for <see cref="Next"/> before it reads, then reads everything new in one batch when the
/// task completes. After a lost connection every waiter is woken once, since notifications sent meanwhile are gone.
/// </summary>
public sealed class RunChangeFeed : IDisposable
{
    /// <summary>The channel writers notify and the feed listens on.</summary>
    public const string Channel = "sbirlab_runs";

    /// <summary>The SQL a writer runs in its transaction for the runs whose points or log lines it wrote (parameter <c>@runs</c>, bigint[]).</summary>
    internal const string NotifyPointsSql = "SELECT pg_notify('" + Channel + "', 'p:' || r) FROM unnest(@runs) AS r";

    private readonly string _connectionString;
    private readonly ConcurrentDictionary<long, TaskCompletionSource> _waiting = new();
    private readonly CancellationTokenSource _stop = new();
    private readonly Thread _thread;
    private readonly ManualResetEventSlim _listening = new(false);

    internal RunChangeFeed(string connectionString)
    {
        _connectionString = connectionString;
        _thread = new Thread(ListenLoop) { IsBackground = true, Name = "SbirLab run change feed" };
        _thread.Start();
    }

    /// <summary>Raised on the feed's thread with the run id of every status change (<c>s:</c>); keep the handler short.</summary>
    public event Action<long>? StatusChanged;

    /// <summary>Notifications received so far (for the benchmark and the tests).</summary>
    public long Received => Interlocked.Read(ref _received);

    private long _received;

    /// <summary>Waits until the feed is listening (the first LISTEN done), at most <paramref name="timeout"/>; true when it is.</summary>
    public bool WaitUntilListening(TimeSpan timeout) => _listening.Wait(timeout);

    /// <summary>
    /// A task that completes at the next notification for <paramref name="runId"/> (or when the connection was lost and
    /// came back). Ask before reading, so that a change committed while reading is not missed.
    /// </summary>
    public Task Next(long runId) =>
        _waiting.GetOrAdd(runId, _ => new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously)).Task;

    private void ListenLoop()
    {
        while (!_stop.IsCancellationRequested)
        {
            try
            {
                using var connection = PostgresSetup.OpenConnection(_connectionString);
                connection.Notification += (_, e) => OnNotification(e.Payload);
                using (var listen = new NpgsqlCommand("LISTEN " + Channel, connection)) listen.ExecuteNonQuery();
                _listening.Set();
                WakeAll(); // whatever was sent while not listening is lost: let every follower read once
                while (!_stop.IsCancellationRequested) connection.Wait(TimeSpan.FromSeconds(1));
            }
            catch (Exception e) when (e is NpgsqlException or IOException or TimeoutException or InvalidOperationException)
            {
                _stop.Token.WaitHandle.WaitOne(TimeSpan.FromSeconds(1)); // the server is away: try again shortly
            }
        }
    }

    private void OnNotification(string payload)
    {
        Interlocked.Increment(ref _received);
        if (payload.Length < 3 || payload[1] != ':' || !long.TryParse(payload.AsSpan(2), NumberStyles.None, CultureInfo.InvariantCulture, out long runId)) return;
        Wake(runId);
        if (payload[0] == 's') StatusChanged?.Invoke(runId);
    }

    private void Wake(long runId)
    {
        if (_waiting.TryRemove(runId, out var waiter)) waiter.TrySetResult();
    }

    private void WakeAll()
    {
        foreach (long runId in _waiting.Keys) Wake(runId);
    }

    public void Dispose()
    {
        _stop.Cancel();
        _thread.Join(TimeSpan.FromSeconds(5));
        WakeAll();
        _stop.Dispose();
        _listening.Dispose();
    }
}
