using SbirLab.Engine.Datasets.Folders;

namespace SbirLab.Engine.Tests.DatasetFolders;

public class BatchPrefetcherTests
{
    private static int[][] Batches(int count) => Enumerable.Range(0, count).Select(b => new[] { 2 * b, (2 * b) + 1 }).ToArray();

    private sealed class Tracked(int batch) : IDisposable
    {
        public int Batch { get; } = batch;

        public bool Disposed { get; private set; }

        public void Dispose() => Disposed = true;
    }

    [Fact]
    public void YieldsEveryBatchInSamplerOrderEvenWhenLoadsFinishOutOfOrder()
    {
        var batches = Batches(20);
        using var prefetcher = new BatchPrefetcher<int[]>(batches, (b, indices, _) =>
        {
            Thread.Sleep((b * 7) % 5); // later batches sometimes finish first
            return indices;
        }, depth: 4);

        Assert.Equal(batches, prefetcher.Consume().ToArray());
    }

    [Fact]
    public async Task AsyncConsumptionGivesTheSameOrder()
    {
        var batches = Batches(9);
        using var prefetcher = new BatchPrefetcher<int>(batches, (b, _, _) => b * 10, depth: 2);
        var seen = new List<int>();
        await foreach (var value in prefetcher.ConsumeAsync())
        {
            seen.Add(value);
        }

        Assert.Equal(Enumerable.Range(0, 9).Select(b => b * 10), seen);
    }

    [Fact]
    public void LoadsRunAheadInParallelButNoMoreThanTheDepthAllows()
    {
        var running = 0;
        var peak = 0;
        using var prefetcher = new BatchPrefetcher<int>(Batches(12), (b, _, _) =>
        {
            var now = Interlocked.Increment(ref running);
            InterlockedMax(ref peak, now);
            Thread.Sleep(20);
            Interlocked.Decrement(ref running);
            return b;
        }, depth: 3);

        foreach (var _ in prefetcher.Consume())
        {
            Thread.Sleep(5);
        }

        // depth 3 in the channel plus the one being handed out.
        Assert.InRange(peak, 2, 4);
    }

    [Fact]
    public void ALoadFailureSurfacesAtItsBatch()
    {
        using var prefetcher = new BatchPrefetcher<int>(Batches(5), (b, _, _) => b == 3 ? throw new InvalidDataException("bad batch") : b);
        var seen = new List<int>();
        var error = Assert.Throws<InvalidDataException>(() =>
        {
            foreach (var value in prefetcher.Consume())
            {
                seen.Add(value);
            }
        });
        Assert.Equal("bad batch", error.Message);
        Assert.Equal([0, 1, 2], seen);
    }

    [Fact]
    public void CancellationStopsTheConsumerAndDisposeReleasesUnconsumedBatches()
    {
        using var cancel = new CancellationTokenSource();
        var created = new System.Collections.Concurrent.ConcurrentBag<Tracked>();
        var prefetcher = new BatchPrefetcher<Tracked>(Batches(50), (b, _, _) =>
        {
            var item = new Tracked(b);
            created.Add(item);
            return item;
        }, depth: 4, cancel.Token);

        var consumed = new List<Tracked>();
        Assert.ThrowsAny<OperationCanceledException>(() =>
        {
            foreach (var item in prefetcher.Consume())
            {
                consumed.Add(item);
                if (consumed.Count == 3)
                {
                    cancel.Cancel();
                }
            }
        });
        prefetcher.Dispose();

        Assert.Equal([0, 1, 2], consumed.Select(c => c.Batch));
        Assert.True(created.Count < 50);
        Assert.All(created.Where(c => !consumed.Contains(c)), c => Assert.True(c.Disposed, $"batch {c.Batch} leaked"));
    }

    private static void InterlockedMax(ref int target, int value)
    {
        int current;
        while (value > (current = Volatile.Read(ref target)) && Interlocked.CompareExchange(ref target, value, current) != current)
        {
        }
    }
}
