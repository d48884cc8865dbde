using System.Threading.Channels;

namespace SbirLab.Engine.Datasets.Folders;

/// <summary>
/// Prepares batches ahead of the consumer on thread-pool threads so the model does not wait for data.
/// Batch b is built by <c>load(b, batches[b], token)</c> on its own thread; batches are handed out strictly in sampler order,
/// whatever order they finish in, so a run is deterministic when <c>load</c> is (seed any randomness from b).
/// At most <c>depth</c> finished-or-running batches wait in a bounded channel, plus the one being consumed.
/// </summary>
/// <remarks>
/// Enumerate once. An exception thrown by <c>load</c> surfaces from the enumeration at that batch.
/// Disposing (or cancelling) stops scheduling, waits for running loads, and disposes every batch that was
/// prepared but never handed out when <typeparamref name="T"/> is <see cref="IDisposable"/> (e.g. tensors).
/// </remarks>
public sealed class BatchPrefetcher<T> : IDisposable
{
    private readonly IReadOnlyList<int[]> _batches;
    private readonly Func<int, int[], CancellationToken, T> _load;
    private readonly Channel<Task<T>> _channel;
    private readonly CancellationTokenSource _stop;
    private readonly Task _scheduler;
    private int _enumerated;
    private bool _disposed;

    /// <summary>Starts preparing <paramref name="batches"/> (index arrays in sampler order) immediately.</summary>
    public BatchPrefetcher(IReadOnlyList<int[]> batches, Func<int, int[], CancellationToken, T> load, int depth = 2,
        CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(depth, 1);
        _batches = batches;
        _load = load;
        _stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        _channel = Channel.CreateBounded<Task<T>>(new BoundedChannelOptions(depth)
        {
            SingleReader = true,
            SingleWriter = true,
            FullMode = BoundedChannelFullMode.Wait,
        });
        _scheduler = Task.Run(ScheduleAsync);
    }

    /// <summary>Number of batches this prefetcher yields.</summary>
    public int Count => _batches.Count;

    /// <summary>Yields the prepared batches in order, blocking while the next one is not ready.</summary>
    public IEnumerable<T> Consume()
    {
        StartEnumeration();
        var reader = _channel.Reader;
        while (reader.WaitToReadAsync(_stop.Token).AsTask().GetAwaiter().GetResult())
        {
            while (reader.TryRead(out var next))
            {
                var batch = next.GetAwaiter().GetResult();
                if (_stop.IsCancellationRequested)
                {
                    DisposeIfDisposable(batch);
                    _stop.Token.ThrowIfCancellationRequested();
                }

                yield return batch;
            }
        }

        _stop.Token.ThrowIfCancellationRequested();
    }

    /// <summary>Yields the prepared batches in order without blocking a thread.</summary>
    public async IAsyncEnumerable<T> ConsumeAsync()
    {
        StartEnumeration();
        await foreach (var next in _channel.Reader.ReadAllAsync(_stop.Token).ConfigureAwait(false))
        {
            var batch = await next.ConfigureAwait(false);
            if (_stop.IsCancellationRequested)
            {
                DisposeIfDisposable(batch);
                _stop.Token.ThrowIfCancellationRequested();
            }

            yield return batch;
        }

        _stop.Token.ThrowIfCancellationRequested();
    }

    /// <summary>Stops scheduling, waits for running loads and disposes batches never handed out.</summary>
    public void Dispose()
    {
        if (_disposed)
        {
            return;
        }

        _disposed = true;
        _stop.Cancel();
        WaitQuietly(_scheduler);
        while (_channel.Reader.TryRead(out var pending))
        {
            WaitQuietly(pending);
            if (pending.IsCompletedSuccessfully)
            {
                DisposeIfDisposable(pending.Result);
            }
        }

        _stop.Dispose();
    }

    private void StartEnumeration()
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (Interlocked.Exchange(ref _enumerated, 1) != 0)
        {
            throw new InvalidOperationException("A BatchPrefetcher can be enumerated only once.");
        }
    }

    private async Task ScheduleAsync()
    {
        var writer = _channel.Writer;
        var token = _stop.Token;
        try
        {
            for (var b = 0; b < _batches.Count; b++)
            {
                if (!await writer.WaitToWriteAsync(token).ConfigureAwait(false))
                {
                    break;
                }

                var batchNumber = b;
                // A dedicated thread per load: thread-pool starvation (blocking consumers, busy pools) never stalls the prefetch.
                var load = Task.Factory.StartNew(() => _load(batchNumber, _batches[batchNumber], token), token,
                    TaskCreationOptions.LongRunning, TaskScheduler.Default);
                if (!writer.TryWrite(load))
                {
                    break;
                }
            }
        }
        catch (OperationCanceledException)
        {
            // Stopped by Dispose or by the caller's token; the consumer sees the cancellation.
        }
        finally
        {
            writer.TryComplete();
        }
    }

    private static void DisposeIfDisposable(T batch)
    {
        if (batch is IDisposable disposable)
        {
            disposable.Dispose();
        }
    }

    private static void WaitQuietly(Task task)
    {
        try
        {
            task.Wait();
        }
        catch (AggregateException)
        {
            // Failures and cancellations of unconsumed batches are not the consumer's concern any more.
        }
    }
}
