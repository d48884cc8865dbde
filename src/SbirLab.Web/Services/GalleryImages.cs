using SbirLab.Core.Configs;
using SbirLab.Engine.Datasets;
using SbirLab.Engine.Imaging;
using SbirLab.Store;

namespace SbirLab.Web.Services;

/// <summary>Which image set of a run's evaluation an index points into.</summary>
public enum ImageSetKind
{
    Query,
    Gallery,
}

/// <summary>
/// The query and gallery pictures of a run's evaluation, as PNG, for the ranked grid and the embedding
/// map. The run's data is rebuilt from its config with the engine's <see cref="DataBundles"/> the first
/// time it is asked for and kept for the few most recent data configurations (runs that share one share it).
/// </summary>
public sealed class GalleryImages(RunStore store) : IDisposable
{
    /// <summary>Data configurations kept in memory at once.</summary>
    public const int Capacity = 2;

    private readonly Lock _gate = new();
    private readonly LinkedList<(string Key, Lazy<DataBundle> Bundle)> _cache = new();

    /// <summary>The PNG of one image; null when the run or the index does not exist.</summary>
    public byte[]? Png(long runId, ImageSetKind kind, int index)
    {
        RunConfig config;
        try { config = store.Config(runId); }
        catch (KeyNotFoundException) { return null; }
        var data = Bundle(config);
        var set = kind == ImageSetKind.Query ? data.Queries : data.Gallery;
        if (index < 0 || index >= set.Count) return null;
        return PngWriter.Encode(set.Pixels(index), set.Size, set.Size);
    }

    private DataBundle Bundle(RunConfig config)
    {
        // What decides the evaluation sets: the data section, the evaluation subset and the seed.
        // The training split is not needed for pictures: one training image keeps the bundle small.
        config = new RunConfig { Seed = config.Seed, Data = config.Data with { TrainLimit = 1 }, Evaluation = config.Evaluation };
        string key = ConfigJson.Serialize(config);
        Lazy<DataBundle> bundle;
        lock (_gate)
        {
            var node = _cache.First;
            while (node is not null && node.Value.Key != key) node = node.Next;
            if (node is not null) _cache.Remove(node);
            else node = new LinkedListNode<(string, Lazy<DataBundle>)>((key, new Lazy<DataBundle>(() => DataBundles.Load(config))));
            _cache.AddFirst(node);
            while (_cache.Count > Capacity)
            {
                var evicted = _cache.Last!.Value.Bundle;
                _cache.RemoveLast();
                if (evicted.IsValueCreated) evicted.Value.Dispose();
            }
            bundle = node.Value.Bundle;
        }
        return bundle.Value;
    }

    public void Dispose()
    {
        lock (_gate)
        {
            foreach (var (_, bundle) in _cache)
                if (bundle.IsValueCreated) bundle.Value.Dispose();
            _cache.Clear();
        }
    }
}
