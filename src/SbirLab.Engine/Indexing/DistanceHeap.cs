namespace SbirLab.Engine.Indexing;

/// <summary>Which of two (distance, id) entries belongs nearer the top of a heap.</summary>
internal interface IHeapOrder
{
    static abstract bool Before((float Distance, int Id) a, (float Distance, int Id) b);
}

/// <summary>Min-heap order: nearest on top, ties by smaller id.</summary>
internal readonly struct NearestOnTop : IHeapOrder
{
    public static bool Before((float Distance, int Id) a, (float Distance, int Id) b) =>
        a.Distance < b.Distance || (a.Distance == b.Distance && a.Id < b.Id);
}

/// <summary>Max-heap order: farthest on top, ties by larger id, so the worst of the best k is at hand.</summary>
internal readonly struct FarthestOnTop : IHeapOrder
{
    public static bool Before((float Distance, int Id) a, (float Distance, int Id) b) => NearestOnTop.Before(b, a);
}

/// <summary>
/// A binary heap of (distance, id) pairs specialised on its order at compile time, so comparisons inline — the
/// heaps of a graph search run millions of times and <see cref="PriorityQueue{TElement, TPriority}"/> with a
/// comparer delegate is several times slower.
/// </summary>
internal sealed class DistanceHeap<TOrder>
    where TOrder : struct, IHeapOrder
{
    private (float Distance, int Id)[] _items = new (float Distance, int Id)[64];

    public int Count { get; private set; }

    public (float Distance, int Id) Top => _items[0];

    public void Clear() => Count = 0;

    public void Push((float Distance, int Id) item)
    {
        if (Count == _items.Length)
        {
            Array.Resize(ref _items, 2 * _items.Length);
        }

        int at = Count++;
        while (at > 0)
        {
            int parent = (at - 1) / 2;
            if (!TOrder.Before(item, _items[parent]))
            {
                break;
            }

            _items[at] = _items[parent];
            at = parent;
        }

        _items[at] = item;
    }

    public (float Distance, int Id) Pop()
    {
        var top = _items[0];
        var last = _items[--Count];
        if (Count > 0)
        {
            SiftDown(last);
        }

        return top;
    }

    /// <summary>Pops the top and pushes <paramref name="item"/> in one sift.</summary>
    public void ReplaceTop((float Distance, int Id) item) => SiftDown(item);

    private void SiftDown((float Distance, int Id) item)
    {
        int at = 0;
        while (true)
        {
            int child = 2 * at + 1;
            if (child >= Count)
            {
                break;
            }

            if (child + 1 < Count && TOrder.Before(_items[child + 1], _items[child]))
            {
                child++;
            }

            if (!TOrder.Before(_items[child], item))
            {
                break;
            }

            _items[at] = _items[child];
            at = child;
        }

        _items[at] = item;
    }
}
