using Microsoft.EntityFrameworkCore;
using SbirLab.Core.Configs;
using SbirLab.Core.Evaluations;
using SbirLab.Core.Runs;
using SbirLab.Store.Accounts;
using SbirLab.Store.Entities;

namespace SbirLab.Store;

/// <summary>A run's evaluations and the artifacts of its folder.</summary>
public sealed partial class RunStore
{
    // ---- evaluations, artifacts, tags, notes --------------------------------------------------

    /// <summary>
    /// Stores an evaluation of the run: its report (split into figures, curves and examples), its embedding maps (each
    /// replacing the run's map of that projection) and, on the run's row, the report's gallery size and mAP.
    /// </summary>
    public long AddEvaluation(long runId, EvaluationResult evaluation, int? epoch = null, long? step = null)
    {
        var parts = EvaluationParts.Split(evaluation.ReportJson);
        using var db = CreateContext();
        var record = new EvaluationRecord
        {
            RunId = runId,
            Epoch = epoch,
            Step = step,
            CreatedAt = DateTime.UtcNow,
            ReportJson = evaluation.ReportJson,
            SummaryJson = parts.Summary,
            CurvesJson = parts.Curves,
            RankedExamplesJson = parts.RankedExamples,
        };
        db.Evaluations.Add(record);
        foreach (var map in evaluation.Maps) UpsertMap(db, runId, map);
        var figures = EvaluationParts.Figures(parts.Summary);
        if (figures.TryGetValue("galleryCount", out double gallery) && figures.TryGetValue("meanAveragePrecision", out double map0))
        {
            var run = db.Runs.Find(runId) ?? throw NotFound(runId);
            (run.GallerySize, run.EvaluationMap) = ((int)gallery, map0);
        }
        db.SaveChanges();
        return record.Id;
    }

    /// <summary>Stores an evaluation report without maps (an eval.json text).</summary>
    public long AddEvaluation(long runId, string reportJson, int? epoch = null, long? step = null) =>
        AddEvaluation(runId, new EvaluationResult(reportJson, []), epoch, step);

    /// <summary>Stores <paramref name="map"/> as the run's map of its projection (replacing an older one).</summary>
    public void SaveMap(long runId, EmbeddingMapData map)
    {
        using var db = CreateContext();
        UpsertMap(db, runId, map);
        db.SaveChanges();
    }

    /// <summary>The run's embedding maps, t-SNE first; an unreadable row is left out.</summary>
    public IReadOnlyList<EmbeddingMapData> Maps(long runId)
    {
        using var db = CreateContext();
        var rows = db.EmbeddingMaps.AsNoTracking().Where(m => m.RunId == runId).OrderBy(m => m.Id).ToList();
        var maps = new List<EmbeddingMapData>();
        foreach (var row in rows)
        {
            try { maps.Add(EmbeddingMapData.FromJson(row.MapJson)); }
            catch (System.Text.Json.JsonException) { } // a damaged row: the run shows its other maps
        }
        return [.. maps.OrderBy(m => m.Projection)];
    }

    private static void UpsertMap(StoreDbContext db, long runId, EmbeddingMapData map)
    {
        string projection = EmbeddingMapData.ProjectionName(map.Projection);
        var existing = db.EmbeddingMaps.FirstOrDefault(m => m.RunId == runId && m.Projection == projection);
        if (existing is null)
        {
            existing = new EmbeddingMapRecord { RunId = runId, Projection = projection };
            db.EmbeddingMaps.Add(existing);
        }
        existing.MapJson = map.ToJson();
        existing.CreatedAt = DateTime.UtcNow;
    }

    /// <summary>Lists the run folder's checkpoints, pictures and embeddings as artifacts.</summary>
    public int RegisterArtifacts(long runId)
    {
        var folder = Data.RunFolder(runId);
        if (!Directory.Exists(folder.Root)) return 0;
        using var db = CreateContext();
        int count = 0;
        foreach (var (kind, dir, pattern) in new[]
                 {
                     ("checkpoint", folder.Checkpoints, "*"), ("picture", folder.Pictures, "*"),
                     ("embedding", folder.Embeddings, "*"),
                 })
        {
            if (!Directory.Exists(dir)) continue;
            foreach (var file in Directory.EnumerateFiles(dir, pattern).Where(f => !AtomicFile.IsTemporary(f))) // not a file still being written
            {
                UpsertArtifact(db, runId, kind, file);
                count++;
            }
        }
        return count;
    }

    private void UpsertArtifact(StoreDbContext db, long runId, string kind, string path)
    {
        string relative = Data.ArtifactRelative(path);
        long size = File.Exists(path) ? new FileInfo(path).Length : 0;
        var existing = db.Artifacts.FirstOrDefault(a => a.RunId == runId && a.Path == relative);
        if (existing is null)
            db.Artifacts.Add(new Artifact { RunId = runId, Kind = kind, Path = relative, SizeBytes = size, CreatedAt = DateTime.UtcNow });
        else
            existing.SizeBytes = size;
        db.SaveChanges();
    }
}
