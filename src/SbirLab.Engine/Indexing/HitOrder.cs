namespace SbirLab.Engine.Indexing;

/// <summary>Orderings of (distance, id) pairs: by distance, ties by id, so results are deterministic.</summary>
internal static class HitOrder
{
    /// <summary>Max-heap order for <see cref="PriorityQueue{TElement, TPriority}"/>: the farthest dequeues first.</summary>
    public static IComparer<(float Distance, int Id)> FarthestFirst { get; } =
        Comparer<(float Distance, int Id)>.Create((a, b) => Compare(b, a));

    /// <summary>Min-heap order: the nearest dequeues first.</summary>
    public static IComparer<(float Distance, int Id)> NearestFirst { get; } =
        Comparer<(float Distance, int Id)>.Create(Compare);

    public static int Compare((float Distance, int Id) a, (float Distance, int Id) b)
    {
        int byDistance = a.Distance.CompareTo(b.Distance);
        return byDistance != 0 ? byDistance : a.Id.CompareTo(b.Id);
    }

    /// <summary>Empties a max-heap of the k best into an array sorted nearest first.</summary>
    public static SearchHit[] DrainNearestFirst(PriorityQueue<int, (float Distance, int Id)> farthestFirst)
    {
        var hits = new SearchHit[farthestFirst.Count];
        for (int i = hits.Length - 1; i >= 0; i--)
        {
            farthestFirst.TryDequeue(out int id, out var key);
            hits[i] = new SearchHit(id, key.Distance);
        }

        return hits;
    }
}
