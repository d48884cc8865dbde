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

    /// <summary>Nodes still to expand, nearest first.</summary>
    public PriorityQueue<int, (float Distance, int Id)> Candidates { get; } = new(HitOrder.NearestFirst);

    /// <summary>The best ef found so far, farthest first so the worst is at hand.</summary>
    public PriorityQueue<int, (float Distance, int Id)> Results { get; } = new(HitOrder.FarthestFirst);

    /// <summary>The results of a layer search in ascending order.</summary>
    public List<(float Distance, int Id)> Sorted { get; } = [];

    /// <summary>The neighbours chosen for the node being inserted.</summary>
    public List<(float Distance, int Id)> Selected { get; } = [];

    /// <summary>Candidates while shrinking an overfull neighbour list.</summary>
    public List<(float Distance, int Id)> Pruning { get; } = [];

    /// <summary>The survivors of shrinking.</summary>
    public List<(float Distance, int Id)> Pruned { get; } = [];

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
        while (Results.TryDequeue(out int id, out var key))
        {
            Sorted.Add((key.Distance, id));
        }

        Sorted.Reverse();
    }
}
