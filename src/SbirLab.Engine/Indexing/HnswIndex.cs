using System.Collections.Concurrent;

namespace SbirLab.Engine.Indexing;

/// <summary>
/// Hierarchical Navigable Small World graph (Malkov &amp; Yashunin, 2018, "Efficient and robust approximate nearest
/// neighbor search using HNSW graphs"): each node gets a random top level drawn with multiplier mL = 1/ln M; a query
/// descends greedily from the top layer to layer 1, then runs an ef-bounded best-first search on layer 0.
/// Neighbours are chosen with the paper's heuristic (Algorithm 4, as in hnswlib: keep a candidate only when it is
/// nearer to the new node than to every neighbour already kept), which preserves links across clusters.
/// Vectors live in one contiguous array; layer-0 links in one flat array (stride 2M + 1, count first).
/// <see cref="Add"/> and <see cref="AddRange(IReadOnlyList{float[]})"/> are sequential and deterministic for a given
/// seed and order; <see cref="AddRange(IReadOnlyList{float[]}, int)"/> inserts on several threads (per-node locks,
/// as in hnswlib), which is faster but not bit-for-bit reproducible. Searches are thread-safe once adding stops.
/// </summary>
public sealed partial class HnswIndex : IVectorIndex
{
    private const int LevelCap = 24;
    private const int LockStripes = 1 << 14;
    private const int SequentialWarmUp = 1000;

    private readonly VectorStore _store;
    private readonly int _maxLinks;
    private readonly int _maxLinks0;
    private readonly double _levelMultiplier;
    private readonly ConcurrentBag<SearchContext> _contexts = [];
    private readonly object _entryLock = new();
    private readonly object[] _nodeLocks = Enumerable.Range(0, LockStripes).Select(_ => new object()).ToArray();
    private volatile bool _buildingInParallel;
    private int[] _levels = [];
    private int[] _layer0Links = [];
    private int[]?[] _upperLinks = [];
    private int _entryPoint = -1;

    /// <summary>An empty index of vectors of length <paramref name="dimension"/>.</summary>
    public HnswIndex(int dimension, HnswOptions? options = null)
    {
        Options = options ?? new HnswOptions();
        Options.Validate();
        _store = new VectorStore(dimension);
        _maxLinks = Options.M;
        _maxLinks0 = 2 * Options.M;
        _levelMultiplier = 1.0 / Math.Log(Options.M);
    }

    /// <summary>The parameters the index was built with.</summary>
    public HnswOptions Options { get; }

    /// <inheritdoc />
    public int Count => _store.Count;

    /// <inheritdoc />
    public int Dimension => _store.Dimension;

    /// <inheritdoc />
    public DistanceMetric Metric => Options.Metric;

    /// <summary>The top layer of the graph; −1 while the index is empty.</summary>
    public int MaxLevel { get; private set; } = -1;

    /// <summary>The stored copy of vector <paramref name="id"/>.</summary>
    public ReadOnlySpan<float> GetVector(int id)
    {
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual((uint)id, (uint)Count, nameof(id));
        return _store[id];
    }

    /// <summary>The top layer node <paramref name="id"/> takes part in.</summary>
    public int LevelOf(int id)
    {
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual((uint)id, (uint)Count, nameof(id));
        return _levels[id];
    }

    /// <summary>The links of node <paramref name="id"/> on <paramref name="layer"/> (≤ 2M on layer 0, ≤ M above); valid until the next add.</summary>
    public ReadOnlySpan<int> NeighboursOf(int id, int layer)
    {
        ArgumentOutOfRangeException.ThrowIfGreaterThan(layer, LevelOf(id));
        ArgumentOutOfRangeException.ThrowIfNegative(layer);
        return Links(id, layer);
    }

    /// <inheritdoc />
    public int Add(ReadOnlySpan<float> vector)
    {
        int id = _store.Add(vector);
        EnsureGraphCapacity(id + 1);
        PrepareNode(id);
        InsertWithPooledContext(id);
        return id;
    }

    /// <inheritdoc />
    public int AddRange(IReadOnlyList<float[]> vectors) => AddRange(vectors, degreeOfParallelism: 1);

    /// <summary>
    /// Adds the vectors and returns the id of the first. With <paramref name="degreeOfParallelism"/> above 1 the
    /// first 1,000 nodes of an empty index go in one by one, the rest on that many threads: the graph is as good
    /// but its exact links depend on thread timing. With 1 this is a sequential, reproducible build.
    /// </summary>
    public int AddRange(IReadOnlyList<float[]> vectors, int degreeOfParallelism)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(degreeOfParallelism, 1);
        foreach (var vector in vectors)
        {
            _store.EnsureMatchesDimension(vector);
        }

        int first = Count;
        _store.EnsureCapacity(Count + vectors.Count);
        EnsureGraphCapacity(Count + vectors.Count);
        int sequential = degreeOfParallelism == 1 ? vectors.Count : Math.Min(vectors.Count, Math.Max(0, SequentialWarmUp - Count));
        for (int i = 0; i < sequential; i++)
        {
            Add(vectors[i]);
        }

        if (sequential < vectors.Count)
        {
            AddInParallel(vectors, sequential, degreeOfParallelism);
        }

        return first;
    }

    /// <summary>Searches with <see cref="HnswOptions.EfSearch"/> as the candidate list size.</summary>
    public SearchHit[] Search(ReadOnlySpan<float> query, int k) => Search(query, k, Options.EfSearch);

    /// <summary>
    /// The approximately <paramref name="k"/> nearest vectors, nearest first. <paramref name="ef"/> (raised to k
    /// when smaller) is the candidate list size on layer 0: larger is slower and finds more of the true neighbours.
    /// </summary>
    public SearchHit[] Search(ReadOnlySpan<float> query, int k, int ef)
    {
        _store.EnsureMatchesDimension(query);
        ArgumentOutOfRangeException.ThrowIfLessThan(k, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(ef, 1);
        if (Count == 0)
        {
            return [];
        }

        var context = RentContext();
        try
        {
            var (entry, entryDistance) = DescendGreedily(query, _entryPoint, Distance(query, _entryPoint), MaxLevel, 1, context);
            SearchLayer(query, entry, entryDistance, Math.Max(ef, k), 0, context);
            while (context.Results.Count > k)
            {
                context.Results.Pop();
            }

            return HitOrder.DrainNearestFirst(context.Results);
        }
        finally
        {
            _contexts.Add(context);
        }
    }

    private void AddInParallel(IReadOnlyList<float[]> vectors, int start, int degreeOfParallelism)
    {
        int firstId = Count;
        for (int i = start; i < vectors.Count; i++)
        {
            PrepareNode(_store.Add(vectors[i]));
        }

        _buildingInParallel = true;
        try
        {
            var parallel = new ParallelOptions { MaxDegreeOfParallelism = degreeOfParallelism };
            Parallel.For(firstId, Count, parallel, InsertWithPooledContext);
        }
        finally
        {
            _buildingInParallel = false;
        }
    }

    /// <summary>Draws the level of a stored vector and allocates its upper-layer link lists.</summary>
    private void PrepareNode(int id)
    {
        int level = DrawLevel(id);
        _levels[id] = level;
        _upperLinks[id] = level > 0 ? new int[level * (_maxLinks + 1)] : null;
    }

    private void InsertWithPooledContext(int id)
    {
        var context = RentContext();
        Insert(id, context);
        _contexts.Add(context);
    }

    /// <summary>
    /// The paper's Algorithm 1. A node that raises the top level holds the entry lock throughout, so the entry point
    /// only ever moves to a fully linked node.
    /// </summary>
    private void Insert(int id, SearchContext context)
    {
        int level = _levels[id];
        Monitor.Enter(_entryLock);
        int entry = _entryPoint, topLevel = MaxLevel;
        if (entry < 0)
        {
            (_entryPoint, MaxLevel) = (id, level);
            Monitor.Exit(_entryLock);
            return;
        }

        bool raisesTop = level > topLevel;
        if (!raisesTop)
        {
            Monitor.Exit(_entryLock);
        }

        try
        {
            LinkIntoLayers(id, level, entry, topLevel, context);
            if (raisesTop)
            {
                (_entryPoint, MaxLevel) = (id, level);
            }
        }
        finally
        {
            if (raisesTop)
            {
                Monitor.Exit(_entryLock);
            }
        }
    }

    private void LinkIntoLayers(int id, int level, int entry, int topLevel, SearchContext context)
    {
        var vector = _store[id];
        var (nearest, nearestDistance) = DescendGreedily(vector, entry, Distance(vector, entry), topLevel, level + 1, context);
        for (int layer = Math.Min(level, topLevel); layer >= 0; layer--)
        {
            SearchLayer(vector, nearest, nearestDistance, Options.EfConstruction, layer, context, exclude: id);
            context.SortResults();
            (nearestDistance, nearest) = context.Sorted[0];
            SelectNeighbours(context.Sorted, Options.M, context.Selected);
            LinkNewNode(id, layer, context);
        }
    }

    private void LinkNewNode(int id, int layer, SearchContext context)
    {
        lock (NodeLock(id))
        {
            var links = LinkBlock(id, layer);
            links[0] = context.Selected.Count;
            for (int i = 0; i < context.Selected.Count; i++)
            {
                links[i + 1] = context.Selected[i].Id;
            }
        }

        foreach (var (distance, neighbour) in context.Selected)
        {
            AddReverseLink(neighbour, id, distance, layer, context);
        }
    }

    /// <summary>Links <paramref name="neighbour"/> back to the new node, shrinking its list by the heuristic when full.</summary>
    private void AddReverseLink(int neighbour, int newNode, float distance, int layer, SearchContext context)
    {
        lock (NodeLock(neighbour))
        {
            var links = LinkBlock(neighbour, layer);
            int capacity = layer == 0 ? _maxLinks0 : _maxLinks;
            int count = links[0];
            if (count < capacity)
            {
                links[count + 1] = newNode;
                links[0] = count + 1;
                return;
            }

            var neighbourVector = _store[neighbour];
            context.Pruning.Clear();
            context.Pruning.Add((distance, newNode));
            foreach (int existing in links.Slice(1, count))
            {
                context.Pruning.Add((Distance(neighbourVector, existing), existing));
            }

            context.Pruning.Sort(HitOrder.NearestFirst);
            SelectNeighbours(context.Pruning, capacity, context.Pruned);
            links[0] = context.Pruned.Count;
            for (int i = 0; i < context.Pruned.Count; i++)
            {
                links[i + 1] = context.Pruned[i].Id;
            }
        }
    }

    /// <summary>
    /// The neighbour heuristic: walk the candidates nearest first and keep one only when it is nearer to the base
    /// node than to every kept neighbour, up to <paramref name="max"/>.
    /// </summary>
    private void SelectNeighbours(List<(float Distance, int Id)> sortedCandidates, int max, List<(float Distance, int Id)> selected)
    {
        selected.Clear();
        if (sortedCandidates.Count <= max)
        {
            selected.AddRange(sortedCandidates);
            return;
        }

        foreach (var candidate in sortedCandidates)
        {
            var candidateVector = _store[candidate.Id];
            bool diverse = true;
            foreach (var kept in selected)
            {
                if (Distance(candidateVector, kept.Id) < candidate.Distance)
                {
                    diverse = false;
                    break;
                }
            }

            if (diverse)
            {
                selected.Add(candidate);
                if (selected.Count >= max)
                {
                    return;
                }
            }
        }
    }

    /// <summary>Greedy walk (ef = 1) from <paramref name="fromLayer"/> down to <paramref name="toLayer"/>.</summary>
    private (int Node, float Distance) DescendGreedily(ReadOnlySpan<float> query, int node, float distance, int fromLayer, int toLayer, SearchContext context)
    {
        for (int layer = fromLayer; layer >= toLayer; layer--)
        {
            bool improved = true;
            while (improved)
            {
                improved = false;
                foreach (int neighbour in ReadLinks(node, layer, context))
                {
                    float d = Distance(query, neighbour);
                    if (d < distance)
                    {
                        (node, distance, improved) = (neighbour, d, true);
                    }
                }
            }
        }

        return (node, distance);
    }

    /// <summary>
    /// Best-first search on one layer (the paper's Algorithm 2); leaves the best <paramref name="ef"/> nodes in
    /// <see cref="SearchContext.Results"/>. <paramref name="exclude"/> is the node being inserted: during a parallel
    /// build another thread may already have linked to it, and it must not become its own neighbour.
    /// </summary>
    private void SearchLayer(ReadOnlySpan<float> query, int entry, float entryDistance, int ef, int layer, SearchContext context, int exclude = -1)
    {
        var candidates = context.Candidates;
        var results = context.Results;
        candidates.Clear();
        results.Clear();
        context.BeginVisit(Count);
        if (exclude >= 0)
        {
            context.TryVisit(exclude);
        }

        context.TryVisit(entry);
        candidates.Push((entryDistance, entry));
        results.Push((entryDistance, entry));
        float worst = entryDistance;
        while (candidates.Count > 0)
        {
            var (currentDistance, current) = candidates.Pop();
            if (currentDistance > worst)
            {
                break;
            }

            foreach (int neighbour in ReadLinks(current, layer, context))
            {
                if (!context.TryVisit(neighbour))
                {
                    continue;
                }

                float d = Distance(query, neighbour);
                if (results.Count < ef || d < worst)
                {
                    candidates.Push((d, neighbour));
                    HitOrder.Offer(results, ef, (d, neighbour));
                    worst = results.Top.Distance;
                }
            }
        }
    }

    /// <summary>
    /// Level ℓ = ⌊−ln(u) · mL⌋ with u uniform in (0, 1) hashed from (seed, id), so the level of a node does not
    /// depend on how many were drawn before it (a loaded index keeps drawing the same levels).
    /// </summary>
    private int DrawLevel(int id)
    {
        ulong bits = SplitMix64(unchecked(((ulong)(uint)Options.Seed << 32) ^ (ulong)(uint)id));
        double uniform = ((bits >> 11) + 0.5) / (1UL << 53);
        return Math.Min((int)(-Math.Log(uniform) * _levelMultiplier), LevelCap);
    }

    private static ulong SplitMix64(ulong x)
    {
        x = unchecked(x + 0x9E3779B97F4A7C15UL);
        x = unchecked((x ^ (x >> 30)) * 0xBF58476D1CE4E5B9UL);
        x = unchecked((x ^ (x >> 27)) * 0x94D049BB133111EBUL);
        return x ^ (x >> 31);
    }

    private float Distance(ReadOnlySpan<float> query, int node) => VectorDistance.Compute(Options.Metric, query, _store[node]);

    /// <summary>
    /// The links of a node for a search: the live list normally, a copy taken under the node's lock while a parallel
    /// build may be rewriting it.
    /// </summary>
    private ReadOnlySpan<int> ReadLinks(int node, int layer, SearchContext context)
    {
        if (!_buildingInParallel)
        {
            return Links(node, layer);
        }

        var copy = context.EnsureLinkCopy(_maxLinks0);
        lock (NodeLock(node))
        {
            var links = Links(node, layer);
            links.CopyTo(copy);
            return copy.AsSpan(0, links.Length);
        }
    }

    private object NodeLock(int node) => _nodeLocks[node & (LockStripes - 1)];

    private ReadOnlySpan<int> Links(int node, int layer)
    {
        var block = LinkBlock(node, layer);
        return block.Slice(1, block[0]);
    }

    /// <summary>The raw link block of a node on a layer: count, then capacity slots.</summary>
    private Span<int> LinkBlock(int node, int layer) => layer == 0
        ? _layer0Links.AsSpan(node * (_maxLinks0 + 1), _maxLinks0 + 1)
        : _upperLinks[node].AsSpan((layer - 1) * (_maxLinks + 1), _maxLinks + 1);

    private void EnsureGraphCapacity(int nodes)
    {
        if (_levels.Length >= nodes)
        {
            return;
        }

        int capacity = Math.Max(nodes, Math.Max(2 * _levels.Length, 16));
        Array.Resize(ref _levels, capacity);
        Array.Resize(ref _upperLinks, capacity);
        Array.Resize(ref _layer0Links, checked(capacity * (_maxLinks0 + 1)));
    }

    private SearchContext RentContext() => _contexts.TryTake(out var context) ? context : new SearchContext();
}
