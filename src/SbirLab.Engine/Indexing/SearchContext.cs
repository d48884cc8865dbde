namespace SbirLab.Engine.Indexing;

/// <summary>
/// Scratch state of one graph search, pooled so a query allocates nothing per visited node: a visited mark per
/// node (a generation tag avoids clearing the array), the two heaps of the ef-search and buffers for neighbour
/// selection.
/// </summary>
internal sealed class SearchContext
{
    private int[] _visitedTag = [];
    private int _tag;

    /// <summary>Nodes still to expand, nearest on top.</summary>
    public DistanceHeap<NearestOnTop> Candidates { get; } = new();

    /// <summary>The best ef found so far, farthest on top so the worst is at hand.</summary>
    public DistanceHeap<FarthestOnTop> Results { get; } = new();

    /// <summary>The results of a layer search in ascending order.</summary>
    public List<(float Distance, int Id)> Sorted { get; } = [];

    /// <summary>The neighbours chosen for the node being inserted.</summary>
    public List<(float Distance, int Id)> Selected { get; } = [];

    /// <summary>Candidates while shrinking an overfull neighbour list.</summary>
    public List<(float Distance, int Id)> Pruning { get; } = [];

    /// <summary>The survivors of shrinking.</summary>
    public List<(float Distance, int Id)> Pruned { get; } = [];

    /// <summary>A copy of one link list, taken under its lock during a parallel build.</summary>
    public int[] LinkCopy { get; private set; } = [];

    /// <summary>Makes <see cref="LinkCopy"/> hold at least <paramref name="length"/> ids.</summary>
    public int[] EnsureLinkCopy(int length)
    {
        if (LinkCopy.Length < length)
        {
            LinkCopy = new int[length];
        }

        return LinkCopy;
    }

    /// <summary>Starts a new search over <paramref name="nodeCount"/> nodes with nothing visited.</summary>
    public void BeginVisit(int nodeCount)
    {
        if (_visitedTag.Length < nodeCount)
        {
            _visitedTag = new int[Math.Max(nodeCount, 2 * _visitedTag.Length)];
            _tag = 0;
        }

        if (++_tag == int.MaxValue)
        {
            Array.Clear(_visitedTag);
            _tag = 1;
        }
    }

    /// <summary>Marks <paramref name="node"/> visited; false when it already was.</summary>
    public bool TryVisit(int node)
    {
        if (_visitedTag[node] == _tag)
        {
            return false;
        }

        _visitedTag[node] = _tag;
        return true;
    }

    /// <summary>Moves <see cref="Results"/> into <see cref="Sorted"/>, nearest first.</summary>
    public void SortResults()
    {
        Sorted.Clear();
        while (Results.Count > 0)
        {
            Sorted.Add(Results.Pop());
        }

        Sorted.Reverse();
    }
}
