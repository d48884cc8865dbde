namespace SbirLab.Engine.Indexing;

/// <summary>Orderings of (distance, id) pairs: by distance, ties by id, so results are deterministic.</summary>
internal static class HitOrder
{
    /// <summary>Ascending order for sorting lists.</summary>
    public static IComparer<(float Distance, int Id)> NearestFirst { get; } =
        Comparer<(float Distance, int Id)>.Create(Compare);

    public static int Compare((float Distance, int Id) a, (float Distance, int Id) b)
    {
        int byDistance = a.Distance.CompareTo(b.Distance);
        return byDistance != 0 ? byDistance : a.Id.CompareTo(b.Id);
    }

    /// <summary>Keeps the best <paramref name="k"/>: pushes while short, else replaces the worst when nearer.</summary>
    public static void Offer(DistanceHeap<FarthestOnTop> best, int k, (float Distance, int Id) item)
    {
        if (best.Count < k)
        {
            best.Push(item);
        }
        else if (NearestOnTop.Before(item, best.Top))
        {
            best.ReplaceTop(item);
        }
    }

    /// <summary>Empties a max-heap of the k best into an array sorted nearest first.</summary>
    public static SearchHit[] DrainNearestFirst(DistanceHeap<FarthestOnTop> farthestFirst)
    {
        var hits = new SearchHit[farthestFirst.Count];
        for (int i = hits.Length - 1; i >= 0; i--)
        {
            var (distance, id) = farthestFirst.Pop();
            hits[i] = new SearchHit(id, distance);
        }

        return hits;
    }
}
