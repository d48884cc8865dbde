using System.Text.Json;
using SbirLab.Engine;
using SbirLab.Engine.Datasets;
using SbirLab.Engine.Models;
using SbirLab.Engine.Projection;
using SbirLab.Engine.Training;
using SbirLab.Store;
using TorchSharp;
using static TorchSharp.torch;
using SbirLab.Core.Runs;

namespace SbirLab.Web.Services;

/// <summary>How an embedding map is projected to 2-D.</summary>
public enum MapProjection
{
    Pca,
    Tsne,
}

/// <summary>
/// Embedding maps of finished runs, made on request: the run's last checkpoint embeds its evaluation images
/// (the engine's <see cref="RunEvaluator.Embed"/>), the engine's <see cref="Pca"/> or <see cref="Tsne"/> projects
/// them to 2-D, and the map is kept as <c>embedding-map-ui.json</c> in the run's folder with, per point, the image it
/// shows (for thumbnails on hover) and its domain (sketch or photo).
/// </summary>
public sealed class EmbeddingMaps(RunStore store)
{
    /// <summary>Maps computed on request; the engine's own map (written at evaluation) keeps its name, embedding-map.json.</summary>
    public const string FileName = "embedding-map-ui.json";

    private static readonly JsonSerializerOptions Json = new() { PropertyNamingPolicy = JsonNamingPolicy.CamelCase };

    public string PathOf(long runId) => Path.Combine(store.Data.RunFolder(runId).Root, FileName);

    /// <summary>The map made earlier for this run, as JSON; null when there is none.</summary>
    public string? Stored(long runId)
    {
        if (File.Exists(PathOf(runId))) return File.ReadAllText(PathOf(runId));
        string engineMap = Path.Combine(store.Data.RunFolder(runId).Root, SbirLab.Engine.Training.RunEmbeddingMap.FileName);
        return File.Exists(engineMap) ? File.ReadAllText(engineMap) : null;
    }

    /// <summary>The checkpoint a map would be made from, or null when the run has none yet.</summary>
    public string? Checkpoint(long runId)
    {
        var run = store.Find(runId);
        if (run is null) return null;
        var last = store.Data.RunFolder(runId).LastCheckpoint;
        if (File.Exists(last)) return last;
        return store.LastCheckpoint(run) is { } checkpoint && File.Exists(checkpoint.Path) ? checkpoint.Path : null;
    }

    /// <summary>Embeds, projects and stores the map of a run (seconds on a CPU for the FashionMNIST protocol).</summary>
    public EmbeddingMapData Compute(long runId, MapProjection projection)
    {
        string checkpoint = Checkpoint(runId) ?? throw new InvalidOperationException($"run {runId} has no checkpoint yet");
        var config = Checkpoints.Config(checkpoint);
        var device = TorchRuntime.Resolve(config.Device);
        using var data = DataBundles.Load(config);
        using var model = ModelFactory.Create(config with { Model = config.Model with { InitFrom = null, PretrainedPhoto = null, PretrainedSketch = null } }, data.TrainClasses, _ => { });
        Checkpoints.LoadModelOnly(checkpoint, model);
        model.to(device);
        var points = Embed(new RunEvaluator(config, data, device), model, data);
        var xy = Project(points.Select(p => p.Embedding).ToArray(), projection, config.Seed);
        var map = new EmbeddingMapData(
            xy.Select(p => (double)p[0]).ToArray(),
            xy.Select(p => (double)p[1]).ToArray(),
            points.Select(p => p.Label).ToArray(),
            data.ClassNames.ToArray(),
            points.Select(p => p.Sketch).ToArray(),
            points.Select(p => p.Set == ImageSetKind.Query ? "query" : "gallery").ToArray(),
            points.Select(p => p.Index).ToArray())
        { Projection = projection.ToString().ToLowerInvariant() };
        File.WriteAllText(PathOf(runId), JsonSerializer.Serialize(map, Json));
        return map;
    }

    private sealed record MapPoint(float[] Embedding, int Label, bool Sketch, ImageSetKind Set, int Index);

    /// <summary>
    /// The gallery, and the queries unless they are gallery items themselves (seed 004 queries its own gallery):
    /// both domains of a cross-domain evaluation appear, each image once.
    /// </summary>
    private static List<MapPoint> Embed(RunEvaluator evaluator, SiameseNetwork model, DataBundle data)
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
