using System.Text.Json;
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

/// <summary>How an embedding map is projected to 2-D.</summary>
public enum MapProjection
{
    Pca,
    Tsne,
}

/// <summary>
/// Embedding maps of finished runs, made on request: the run's last checkpoint, opened through the lab's cache of
/// open runs (<see cref="OpenRuns"/>), embeds its evaluation images (the engine's <see cref="RunEvaluator.Embed"/>), the engine's <see cref="Pca"/> or <see cref="Tsne"/> projects
/// them to 2-D, and the map is kept as <c>embedding-map-ui.json</c> in the run's folder with, per point, the image it
/// shows (for thumbnails on hover) and its domain (sketch or photo).
/// </summary>
public sealed class EmbeddingMaps(RunStore store, OpenRuns openRuns)
{
    /// <summary>Maps computed on request; the engine's own map (written at evaluation) keeps its name, embedding-map.json.</summary>
    public const string FileName = "embedding-map-ui.json";

    private static readonly JsonSerializerOptions Json = new() { PropertyNamingPolicy = JsonNamingPolicy.CamelCase };

    private void Demand(Caller caller, RunAction action, long runId) =>
        store.Access.Demand(caller, action, store.Find(runId) ?? throw new KeyNotFoundException($"no run with id {runId}"));

    public string PathOf(long runId) => Path.Combine(store.Data.RunFolder(runId).Root, FileName);

    /// <summary>The map made earlier for this run, as JSON; null when there is none.</summary>
    public string? Stored(Caller caller, long runId)
    {
        Demand(caller, RunAction.Read, runId);
        if (File.Exists(PathOf(runId))) return File.ReadAllText(PathOf(runId));
        string engineMap = Path.Combine(store.Data.RunFolder(runId).Root, SbirLab.Engine.Training.RunEmbeddingMap.FileName);
        return File.Exists(engineMap) ? File.ReadAllText(engineMap) : null;
    }

    /// <summary>The checkpoint a map would be made from, or null when the run has none yet (or the caller may not read it).</summary>
    public string? Checkpoint(Caller caller, long runId) =>
        store.Find(runId) is { } run && store.Access.Allows(caller, RunAction.Read, run) ? openRuns.Checkpoint(runId) : null;

    /// <summary>
    /// Embeds, projects and stores the map of a run (seconds on a CPU for the FashionMNIST protocol); it writes into the
    /// run's folder, so only those who manage the run may.
    /// </summary>
    public async Task<EmbeddingMapData> ComputeAsync(Caller caller, long runId, MapProjection projection)
    {
        Demand(caller, RunAction.Manage, runId);
        using var lease = await openRuns.OpenAsync(caller, runId, RunAction.Manage);
        var run = lease.Value.Run;
        var data = run.Data;
        var points = Embed(run.Evaluator(), run.Model, data);
        var xy = Project(points.Select(p => p.Embedding).ToArray(), projection, run.Config.Seed);
        var map = new EmbeddingMapData(
            xy.Select(p => (double)p[0]).ToArray(),
            xy.Select(p => (double)p[1]).ToArray(),
            points.Select(p => p.Label).ToArray(),
            data.ClassNames.ToArray(),
            points.Select(p => p.Sketch).ToArray(),
            points.Select(p => p.Set == ImageSetKind.Query ? "query" : "gallery").ToArray(),
            points.Select(p => p.Index).ToArray())
        { Projection = projection.ToString().ToLowerInvariant() };
        AtomicFile.WriteAllText(PathOf(runId), JsonSerializer.Serialize(map, Json));
        return map;
    }

    private sealed record MapPoint(float[] Embedding, int Label, bool Sketch, ImageSetKind Set, int Index);

    /// <summary>
    /// The gallery, and the queries unless they are gallery items themselves (seed 004 queries its own gallery):
    /// both domains of a cross-domain evaluation appear, each image once.
    /// </summary>
    private static List<MapPoint> Embed(RunEvaluator evaluator, SiameseNetwork model, EvaluationSets data)
    {
        using var scope = NewDisposeScope();
        var (queries, gallery) = evaluator.Embed(model);
        var points = Rows(gallery, data.Gallery, ImageSetKind.Gallery).ToList();
        if (data.QuerySelfIndex is null) points.AddRange(Rows(queries, data.Queries, ImageSetKind.Query));
        return points;
    }

    private static IEnumerable<MapPoint> Rows(Tensor embeddings, IImageSet set, ImageSetKind kind)
    {
        var cpu = embeddings.cpu().contiguous();
        int dimension = (int)cpu.shape[1];
        var values = cpu.data<float>().ToArray();
        for (int i = 0; i < set.Count; i++)
            yield return new MapPoint(values[(i * dimension)..((i + 1) * dimension)], (int)set.Labels[i], set.Domains[i] == Domain.Sketch, kind, i);
    }

    private static float[][] Project(float[][] data, MapProjection projection, int seed) => projection switch
    {
        MapProjection.Tsne => Tsne.Project(data, new TsneOptions { Perplexity = Math.Min(30, Math.Max(2, (data.Length - 1) / 3.0)), Seed = seed }),
        _ => Pca.Project(data, 2).Points,
    };
}
