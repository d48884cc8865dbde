using System.Collections.Concurrent;
using SbirLab.Core.Configs;
using SbirLab.Engine.Imaging;
using SbirLab.Engine.Search;
using SbirLab.Engine.Training;
using SbirLab.Store;
using SbirLab.Store.Entities;
using SbirLab.Core.Runs;

namespace SbirLab.Web.Services;

/// <summary>A run the search page can query: completed, with a checkpoint and the gallery index saved at its evaluation.</summary>
public sealed record SearchableRun(long Id, string Name, DatasetKind Dataset, int? GallerySize, double? Map, IndexKind DefaultIndex, DateTime? FinishedAt)
{
    /// <summary>What the run picker shows.</summary>
    public string Label => $"#{Id} {Name}" + (Map is { } map ? $" · mAP {map:0.000}" : "") + (GallerySize is { } size ? $" · {size:N0} photos" : "");
}

/// <summary>Thrown when a run cannot be searched (unknown, not completed, or without a gallery index).</summary>
public sealed class RunNotSearchableException(string message) : Exception(message);

/// <summary>
/// Sketch search over the lab's runs. Each run's <see cref="SketchSearcher"/> (model, gallery and the HNSW index saved
/// when the run was evaluated) is loaded on the first search of that run and kept in memory for the life of the lab;
/// concurrent first searches share one load, and a load that fails is forgotten so that the next search tries again.
/// </summary>
public sealed class SearchService(RunStore store, RunReader reader) : IDisposable
{
    private readonly ConcurrentDictionary<long, Lazy<Task<SketchSearcher>>> _searchers = new();

    /// <summary>Completed runs that have a gallery index, newest first.</summary>
    public IReadOnlyList<SearchableRun> Runs() =>
        store.List()
            .Where(run => run.Status == RunStatus.Completed && HasIndex(run.Id))
            .OrderByDescending(run => run.Id)
            .Select(Describe)
            .ToList();

    /// <summary>Whether the run's folder holds a checkpoint and a gallery index.</summary>
    public bool HasIndex(long runId)
    {
        var folder = store.Data.RunFolder(runId);
        return File.Exists(folder.LastCheckpoint) && File.Exists(GalleryIndexBuilder.IndexPath(folder));
    }

    /// <summary>Whether the run's searcher is already in memory (its next search needs no load).</summary>
    public bool IsLoaded(long runId) =>
        _searchers.TryGetValue(runId, out var lazy) && lazy.IsValueCreated && lazy.Value.IsCompletedSuccessfully;

    /// <summary>The run's searcher, loading it on first use; <see cref="RunNotSearchableException"/> when the run cannot be searched.</summary>
    public async Task<SketchSearcher> SearcherAsync(long runId)
    {
        var run = store.Find(runId) ?? throw new RunNotSearchableException($"run {runId} does not exist");
        if (run.Status != RunStatus.Completed) throw new RunNotSearchableException($"run {runId} is {run.Status.ToString().ToLowerInvariant()}, not completed");
        if (!HasIndex(runId)) throw new RunNotSearchableException($"run {runId} has no gallery index; evaluate it first (sbirlab eval)");
        var lazy = _searchers.GetOrAdd(runId, id => new Lazy<Task<SketchSearcher>>(() => Task.Run(() => Load(id))));
        try
        {
            return await lazy.Value;
        }
        catch (Exception e) when (e is not (RunNotSearchableException or OperationCanceledException))
        {
            // A damaged checkpoint or index fails in many ways (I/O, format, torch): all of them mean "cannot be
            // searched", with the reason, and the next attempt loads again.
            _searchers.TryRemove(new KeyValuePair<long, Lazy<Task<SketchSearcher>>>(runId, lazy));
            throw new RunNotSearchableException($"run {runId} could not be loaded for search: {e.Message}");
        }
    }

    /// <summary>Searches a run's gallery with strokes drawn on a canvas.</summary>
    public async Task<SearchAnswer> SearchAsync(long runId, IReadOnlyList<Stroke> strokes, float canvasWidth, float canvasHeight,
        int k, IndexKind? index, float strokeWidth)
    {
        var searcher = await SearcherAsync(runId);
        return searcher.Search(strokes, canvasWidth, canvasHeight, k, index, strokeWidth);
    }

    /// <summary>Searches a run's gallery with an uploaded sketch image.</summary>
    public async Task<SearchAnswer> SearchAsync(long runId, byte[] imageFile, int k, IndexKind? index)
    {
        var searcher = await SearcherAsync(runId);
        return searcher.Search(imageFile, k, index);
    }

    /// <summary>A gallery photo of a loaded run as PNG; null when the index is out of range.</summary>
    public async Task<byte[]?> GalleryPngAsync(long runId, int galleryIndex)
    {
        var searcher = await SearcherAsync(runId);
        var gallery = searcher.Gallery;
        if (galleryIndex < 0 || galleryIndex >= gallery.Count) return null;
        return PngWriter.Encode(gallery.Pixels(galleryIndex), gallery.Size, gallery.Size);
    }

    private SearchableRun Describe(RunRecord run)
    {
        var config = store.Config(run.Id);
        var report = reader.Evaluation(run.Id)?.File;
        return new SearchableRun(run.Id, run.Name, config.Data.Dataset, report?.Report.GalleryCount, report?.Report.MeanAveragePrecision,
            config.Evaluation.Index, run.FinishedAt);
    }

    private SketchSearcher Load(long runId) => SketchSearcher.Open(store.Data.RunFolder(runId).Root);

    public void Dispose()
    {
        foreach (var lazy in _searchers.Values)
            if (lazy.IsValueCreated && lazy.Value.IsCompletedSuccessfully) lazy.Value.Result.Dispose();
        _searchers.Clear();
    }
}
