using SbirLab.Core.Configs;
using SbirLab.Core.Runs;
using SbirLab.Engine.Imaging;
using SbirLab.Engine.Search;
using SbirLab.Engine.Training;
using SbirLab.Store;
using SbirLab.Store.Accounts;
using SbirLab.Store.Entities;

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
/// Sketch search over the lab's runs. A run's <see cref="SketchSearcher"/> (network, gallery and the HNSW index saved
/// when the run was evaluated) comes from the lab's one cache of open runs (<see cref="OpenRuns"/>): loaded on the
/// first search of that run, shared by concurrent first searches, kept while recently used.
/// </summary>
public sealed class SearchService(RunStore store, OpenRuns openRuns)
{
    /// <summary>Completed runs with a gallery index that the caller may search (a visitor: the published ones), newest first.</summary>
    public IReadOnlyList<SearchableRun> Runs(Caller caller) =>
        store.List()
            .Where(run => run.Status == RunStatus.Completed && store.Access.Allows(caller, RunAction.Search, run) && HasIndex(run.Id))
            .OrderByDescending(run => run.Id)
            .Select(Describe)
            .ToList();

    /// <summary>Whether the run's folder holds a checkpoint and a gallery index.</summary>
    public bool HasIndex(long runId)
    {
        var folder = store.Data.RunFolder(runId);
        return File.Exists(folder.LastCheckpoint) && File.Exists(GalleryIndexBuilder.IndexPath(folder));
    }

    /// <summary>Whether the run is open already (its next search needs no load).</summary>
    public bool IsLoaded(long runId) => openRuns.IsOpen(runId);

    /// <summary>
    /// Opens the run for search, loading it on first use, and returns its gallery size;
    /// <see cref="RunNotSearchableException"/> when the run cannot be searched.
    /// </summary>
    public async Task<int> OpenAsync(Caller caller, long runId)
    {
        using var lease = await SearcherAsync(caller, runId);
        return lease.Value.Searcher!.Gallery.Count;
    }

    /// <summary>Searches a run's gallery with strokes drawn on a canvas.</summary>
    public async Task<SearchAnswer> SearchAsync(Caller caller, long runId, IReadOnlyList<Stroke> strokes, float canvasWidth, float canvasHeight,
        int k, IndexKind? index, float strokeWidth)
    {
        using var lease = await SearcherAsync(caller, runId);
        return lease.Value.Searcher!.Search(strokes, canvasWidth, canvasHeight, k, index, strokeWidth);
    }

    /// <summary>Searches a run's gallery with an uploaded sketch image.</summary>
    public async Task<SearchAnswer> SearchAsync(Caller caller, long runId, byte[] imageFile, int k, IndexKind? index)
    {
        using var lease = await SearcherAsync(caller, runId);
        return lease.Value.Searcher!.Search(imageFile, k, index);
    }

    /// <summary>
    /// The open run, with its searcher; dispose the lease when done. <see cref="RunNotSearchableException"/> when the
    /// run cannot be searched, or when the caller may not search it (then it is "does not exist": a visitor learns
    /// nothing of unpublished runs).
    /// </summary>
    public async Task<CacheLease<OpenRun>> SearcherAsync(Caller caller, long runId)
    {
        var run = store.Find(runId);
        if (run is null || !store.Access.Allows(caller, RunAction.Search, run)) throw new RunNotSearchableException($"run {runId} does not exist");
        if (run.Status != RunStatus.Completed) throw new RunNotSearchableException($"run {runId} is {run.Status.ToString().ToLowerInvariant()}, not completed");
        if (!HasIndex(runId)) throw new RunNotSearchableException($"run {runId} has no gallery index; evaluate it first (sbirlab eval)");
        CacheLease<OpenRun> lease;
        try { lease = await openRuns.OpenAsync(caller, runId, RunAction.Search); }
        catch (RunNotOpenException e) { throw new RunNotSearchableException(e.Message.Replace("could not be opened", "could not be loaded for search", StringComparison.Ordinal)); }
        if (lease.Value.Searcher is null)
        {
            lease.Dispose();
            throw new RunNotSearchableException($"run {runId} has no gallery index; evaluate it first (sbirlab eval)");
        }
        return lease;
    }

    private SearchableRun Describe(RunRecord run)
    {
        var config = ConfigJson.ParseUnvalidated(run.ConfigJson);
        // The latest evaluation's figures are on the run's row: listing the runs reads no evaluation.
        return new SearchableRun(run.Id, run.Name, config.Data.Dataset, run.GallerySize, run.EvaluationMap, config.Evaluation.Index, run.FinishedAt);
    }
}
