using SbirLab.Core.Configs;
using SbirLab.Core.Evaluations;
using SbirLab.Core.Runs;
using SbirLab.Engine.Imaging;
using SbirLab.Engine.Search;
using SbirLab.Engine.Training;
using SbirLab.Store;
using SbirLab.Store.Accounts;

namespace SbirLab.Web.Services;

/// <summary>
/// A trained run the lab has opened: the engine's <see cref="TrainedRun"/> (config, network in eval mode,
/// evaluation sets) and, when the run's evaluation saved a gallery index, its <see cref="SketchSearcher"/>.
/// </summary>
public sealed class OpenRun : IDisposable
{
    private OpenRun(long runId, TrainedRun run, SketchSearcher? searcher)
    {
        RunId = runId;
        Run = run;
        Searcher = searcher;
        Bytes = searcher?.Bytes ?? run.Bytes;
    }

    public long RunId { get; }

    public TrainedRun Run { get; }

    /// <summary>Null when the run has no gallery index (not evaluated yet).</summary>
    public SketchSearcher? Searcher { get; }

    /// <summary>About how much memory the run holds (network, evaluation images, indexes).</summary>
    public long Bytes { get; }

    /// <summary>Opens a run whose data must lie inside <paramref name="roots"/> (also for runs recorded before roots were checked).</summary>
    internal static OpenRun Load(long runId, string checkpoint, RunFolder folder, PathRoots roots)
    {
        var run = TrainedRun.Open(checkpoint, roots);
        try
        {
            var searcher = File.Exists(GalleryIndexBuilder.IndexPath(folder)) ? SketchSearcher.Open(run, folder) : null;
            return new OpenRun(runId, run, searcher);
        }
        catch
        {
            run.Dispose();
            throw;
        }
    }

    public void Dispose()
    {
        Searcher?.Dispose();
        Run.Dispose();
    }
}

/// <summary>Bounds of the lab's one cache of open runs.</summary>
public sealed record OpenRunsOptions
{
    /// <summary>Runs kept open at once.</summary>
    public int MaxRuns { get; init; } = 4;

    /// <summary>Memory the open runs may hold together (networks, evaluation images, indexes).</summary>
    public long MaxBytes { get; init; } = 2L << 30;
}

/// <summary>Thrown when a run cannot be opened: unknown, without a checkpoint, or with a damaged one.</summary>
public sealed class RunNotOpenException(string message) : Exception(message);

/// <summary>
/// The lab's one cache of open runs, used by sketch search, embedding maps and the evaluation images: bounded by
/// count and bytes, least recently used out first (<see cref="BoundedCache{TKey, TValue}"/>). A run is keyed by its
/// checkpoint and the checkpoint's time, so a run that saved a newer checkpoint is opened again, not served stale.
/// </summary>
public sealed class OpenRuns(RunStore store, OpenRunsOptions? options = null) : IDisposable
{
    private readonly BoundedCache<RunKey, OpenRun> _cache = new(
        (options ?? new OpenRunsOptions()).MaxRuns, (options ?? new OpenRunsOptions()).MaxBytes, run => run.Bytes);

    private sealed record RunKey(long RunId, string Checkpoint, DateTime Written);

    /// <summary>The run ids held, most recently used first.</summary>
    public IReadOnlyList<long> Held => [.. _cache.Keys.Select(k => k.RunId)];

    /// <summary>Whether the run's last checkpoint is open already (its next use needs no load).</summary>
    public bool IsOpen(long runId) => Key(runId) is { } key && _cache.IsLoaded(key);

    /// <summary>The checkpoint a run would be opened from, or null when it has none yet.</summary>
    public string? Checkpoint(long runId)
    {
        var run = store.Find(runId);
        if (run is null) return null;
        var last = store.Data.RunFolder(runId).LastCheckpoint;
        if (File.Exists(last)) return last;
        return store.LastCheckpoint(run) is { } checkpoint && File.Exists(checkpoint.Path) ? checkpoint.Path : null;
    }

    /// <summary>
    /// Opens a run for a caller who may <paramref name="action"/> it (or finds it open); dispose the lease when done
    /// with it. A run the caller may not use is "does not exist": a visitor learns nothing of unpublished runs.
    /// </summary>
    /// <exception cref="RunNotOpenException">The run does not exist for the caller, has no checkpoint, or its files cannot be read.</exception>
    public async Task<CacheLease<OpenRun>> OpenAsync(Caller caller, long runId, RunAction action = RunAction.Read)
    {
        if (!Allows(caller, action, runId)) throw new RunNotOpenException($"run {runId} does not exist");
        var key = Key(runId) ?? throw new RunNotOpenException($"run {runId} has no checkpoint yet");
        _cache.RemoveWhere(k => k.RunId == runId && k != key); // an older checkpoint of the run
        try
        {
            return await _cache.GetAsync(key, k => OpenRun.Load(k.RunId, k.Checkpoint, store.Data.RunFolder(k.RunId), store.Data.Roots));
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            // A damaged checkpoint, index or data set fails in many ways (I/O, format, torch): all mean "cannot be opened".
            throw new RunNotOpenException($"run {runId} could not be opened: {e.Message}");
        }
    }

    /// <summary>
    /// One query or gallery image of a run's evaluation as PNG; null when the run (for the caller) or the index does not
    /// exist. Gallery photos are search results, so a visitor sees those of published runs; queries need a reader.
    /// </summary>
    public async Task<byte[]?> ImagePngAsync(Caller caller, long runId, ImageSetKind kind, int index)
    {
        var action = kind == ImageSetKind.Gallery ? RunAction.Search : RunAction.Read;
        if (!Allows(caller, action, runId) || Checkpoint(runId) is null) return null;
        using var lease = await OpenAsync(caller, runId, action);
        var data = lease.Value.Run.Data;
        var set = kind == ImageSetKind.Query ? data.Queries : data.Gallery;
        if (index < 0 || index >= set.Count) return null;
        return PngWriter.Encode(set.Pixels(index), set.Size, set.Size);
    }

    private bool Allows(Caller caller, RunAction action, long runId) =>
        store.Find(runId) is { } run && store.Access.Allows(caller, action, run);

    private RunKey? Key(long runId) =>
        Checkpoint(runId) is { } checkpoint ? new RunKey(runId, checkpoint, File.GetLastWriteTimeUtc(checkpoint)) : null;

    public void Dispose() => _cache.Dispose();
}
