using Microsoft.EntityFrameworkCore;
using SbirLab.Core.Configs;
using SbirLab.Core.Runs;
using SbirLab.Store.Accounts;
using SbirLab.Store.Entities;

namespace SbirLab.Store;

/// <summary>A run's evaluations and the artifacts of its folder.</summary>
public sealed partial class RunStore
{
    // ---- evaluations, artifacts, tags, notes --------------------------------------------------

    /// <summary>Stores an evaluation report (the engine's eval.json text) for the run.</summary>
    public long AddEvaluation(long runId, string reportJson, int? epoch = null, long? step = null)
    {
        var parts = EvaluationParts.Split(reportJson);
        using var db = CreateContext();
        var record = new EvaluationRecord
        {
            RunId = runId,
            Epoch = epoch,
            Step = step,
            CreatedAt = DateTime.UtcNow,
            ReportJson = reportJson,
            SummaryJson = parts.Summary,
            CurvesJson = parts.Curves,
            RankedExamplesJson = parts.RankedExamples,
            EmbeddingMapJson = parts.EmbeddingMap,
        };
        db.Evaluations.Add(record);
        db.SaveChanges();
        return record.Id;
    }

    /// <summary>Lists the run folder's checkpoints, pictures, embeddings and reports as artifacts.</summary>
    public int RegisterArtifacts(long runId)
    {
        var folder = Data.RunFolder(runId);
        if (!Directory.Exists(folder.Root)) return 0;
        using var db = CreateContext();
        int count = 0;
        foreach (var (kind, dir, pattern) in new[]
                 {
                     ("checkpoint", folder.Checkpoints, "*"), ("picture", folder.Pictures, "*"),
                     ("embedding", folder.Embeddings, "*"), ("report", folder.Root, "eval*.json"),
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
