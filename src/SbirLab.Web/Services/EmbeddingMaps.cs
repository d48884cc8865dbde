using SbirLab.Core.Evaluations;
using SbirLab.Core.Runs;
using SbirLab.Engine;
using SbirLab.Engine.Datasets;
using SbirLab.Engine.Models;
using SbirLab.Engine.Projection;
using SbirLab.Engine.Training;
using SbirLab.Store;
using SbirLab.Store.Accounts;
using TorchSharp;
using static TorchSharp.torch;

namespace SbirLab.Web.Services;

/// <summary>
/// Embedding maps of finished runs, made on request: the run's last checkpoint, opened through the lab's cache of
/// open runs (<see cref="OpenRuns"/>), embeds its evaluation images (the engine's <see cref="RunEvaluator.Embed"/>), the engine's <see cref="Pca"/> or <see cref="Tsne"/> projects
/// them to 2-D, and the store keeps the map (in the one map format, <see cref="EmbeddingMapData"/>, beside the
/// evaluation's own maps: one per run and projection) with, per point, the image it shows (for thumbnails on hover) and
/// its domain (sketch or photo).
/// </summary>
public sealed class EmbeddingMaps(RunStore store, OpenRuns openRuns)
{
    private void Demand(Caller caller, RunAction action, long runId) =>
        store.Access.Demand(caller, action, store.Find(runId) ?? throw new KeyNotFoundException($"no run with id {runId}"));

    /// <summary>The run's maps (the evaluation's and those made on request), t-SNE first; empty when there are none.</summary>
    public IReadOnlyList<EmbeddingMapData> Stored(Caller caller, long runId)
    {
        Demand(caller, RunAction.Read, runId);
        return store.Maps(runId);
    }

    /// <summary>The checkpoint a map would be made from, or null when the run has none yet (or the caller may not read it).</summary>
    public string? Checkpoint(Caller caller, long runId) =>
        store.Find(runId) is { } run && store.Access.Allows(caller, RunAction.Read, run) ? openRuns.Checkpoint(runId) : null;

    /// <summary>
    /// Embeds, projects and stores the map of a run (seconds on a CPU for the FashionMNIST protocol); it replaces the
    /// run's map of that projection, so only those who manage the run may.
    /// </summary>
    public async Task<EmbeddingMapData> ComputeAsync(Caller caller, long runId, MapProjection projection)
    {
        Demand(caller, RunAction.Manage, runId);
        using var lease = await openRuns.OpenAsync(caller, runId, RunAction.Manage);
        var run = lease.Value.Run;
        var data = run.Data;
        var points = Embed(run.Evaluator(), run.Model, data);
        var (xy, explained) = Project(points.Select(p => p.Embedding).ToArray(), projection, run.Config.Seed);
        var map = RunEmbeddingMap.Map(projection, data, [.. points.Select(p => (p.Set, p.Index))], i => (xy[i][0], xy[i][1]))
            with
        { ExplainedVariance = explained };
        store.SaveMap(runId, map);
        return map;
    }

    private sealed record EmbeddedImage(float[] Embedding, ImageSetKind Set, int Index);

    /// <summary>
    /// The gallery, and the queries unless they are gallery items themselves (seed 004 queries its own gallery):
    /// both domains of a cross-domain evaluation appear, each image once.
    /// </summary>
    private static List<EmbeddedImage> Embed(RunEvaluator evaluator, SiameseNetwork model, EvaluationSets data)
    {
        using var scope = NewDisposeScope();
        var (queries, gallery) = evaluator.Embed(model);
        var points = Rows(gallery, data.Gallery, ImageSetKind.Gallery).ToList();
        if (data.QuerySelfIndex is null) points.AddRange(Rows(queries, data.Queries, ImageSetKind.Query));
        return points;
    }

    private static IEnumerable<EmbeddedImage> Rows(Tensor embeddings, IImageSet set, ImageSetKind kind)
    {
        var cpu = embeddings.cpu().contiguous();
        int dimension = (int)cpu.shape[1];
        var values = cpu.data<float>().ToArray();
        for (int i = 0; i < set.Count; i++)
            yield return new EmbeddedImage(values[(i * dimension)..((i + 1) * dimension)], kind, i);
    }

    /// <summary>The 2-D points, and for PCA the share of the variance its axes explain.</summary>
    private static (float[][] Points, double[]? Explained) Project(float[][] data, MapProjection projection, int seed)
    {
        if (projection == MapProjection.Tsne)
            return (Tsne.Project(data, new TsneOptions { Perplexity = Math.Min(30, Math.Max(2, (data.Length - 1) / 3.0)), Seed = seed }), null);
        var pca = Pca.Project(data, 2);
        return (pca.Points, pca.ExplainedVarianceRatios);
    }
}
