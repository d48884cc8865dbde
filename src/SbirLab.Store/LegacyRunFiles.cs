using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.EntityFrameworkCore;
using SbirLab.Core.Evaluations;
using SbirLab.Core.Runs;
using SbirLab.Store.Entities;

namespace SbirLab.Store;

/// <summary>
/// Imports, once, the history that run folders written before the store kept it hold as files: metrics-steps.csv and
/// metrics-epochs.csv, log.txt, eval.json, provenance.json and the two embedding-map formats of that time (the
/// engine's embedding-map.json with t-SNE and PCA coordinates per point, the lab's embedding-map-ui.json with one
/// projection). Each part is imported only while the run has no rows of it, so opening the store again imports
/// nothing; the files are left in place (nothing reads them any more). Parsing the old formats lives here only.
/// </summary>
public static class LegacyRunFiles
{
    public const string EngineMapFile = "embedding-map.json", LabMapFile = "embedding-map-ui.json";

    /// <summary>Imports the old files of every run of the store that has them; returns the runs that got something.</summary>
    public static int ImportAll(RunStore store)
    {
        ArgumentNullException.ThrowIfNull(store);
        List<(long Id, string Folder)> runs;
        using (var db = store.CreateContext())
            runs = db.Runs.AsNoTracking().Select(r => new { r.Id, r.Folder }).AsEnumerable().Select(r => (r.Id, r.Folder)).ToList();
        int imported = 0;
        foreach (var (id, folder) in runs)
        {
            var run = new RunFolder(folder.Length > 0 ? store.Data.Artifact(folder) : store.Data.RunFolder(id).Root);
            if (HasOldFiles(run) && Import(store, id, run)) imported++;
        }
        return imported;
    }

    private static bool HasOldFiles(RunFolder folder) =>
        Directory.Exists(folder.Root) && new[] { folder.StepMetrics, folder.EpochMetrics, folder.Log, folder.Eval, folder.Provenance,
            Path.Combine(folder.Root, EngineMapFile), Path.Combine(folder.Root, LabMapFile) }.Any(File.Exists);

    /// <summary>Imports what run <paramref name="runId"/> has no rows of yet from <paramref name="folder"/>; true when anything was imported.</summary>
    public static bool Import(RunStore store, long runId, RunFolder folder)
    {
        ArgumentNullException.ThrowIfNull(store);
        ArgumentNullException.ThrowIfNull(folder);
        using var db = store.CreateContext();
        var run = db.Runs.Find(runId);
        if (run is null) return false;
        bool any = false;
        if (!db.MetricPoints.Any(p => p.RunId == runId))
        {
            var points = ReadMetrics(runId, folder.StepMetrics, MetricKind.Step).Concat(ReadMetrics(runId, folder.EpochMetrics, MetricKind.Epoch)).ToList();
            db.MetricPoints.AddRange(points);
            any |= points.Count > 0;
        }
        if (!db.LogLines.Any(l => l.RunId == runId) && File.Exists(folder.Log))
        {
            var lines = File.ReadLines(folder.Log).Where(l => l.Length > 0).Select(l => ReadLogLine(runId, l)).ToList();
            db.LogLines.AddRange(lines);
            any |= lines.Count > 0;
        }
        if (run.ProvenanceJson is null && File.Exists(folder.Provenance) && ReadProvenance(File.ReadAllText(folder.Provenance)) is { } provenance)
        {
            run.ProvenanceJson = provenance.ToJson();
            run.CodeCommit ??= provenance.CodeCommit;
            run.CodeDirty ??= provenance.CodeDirty;
            run.Host ??= provenance.Host;
            any = true;
        }
        db.SaveChanges();
        bool hasEvaluation = db.Evaluations.Any(e => e.RunId == runId);
        bool hasMaps = db.EmbeddingMaps.Any(m => m.RunId == runId);
        var maps = hasMaps ? [] : ReadMaps(folder);
        if (!hasEvaluation && File.Exists(folder.Eval))
        {
            store.AddEvaluation(runId, new EvaluationResult(File.ReadAllText(folder.Eval), maps), run.EpochsCompleted - 1, run.Steps);
            any = true;
        }
        else if (maps.Count > 0)
        {
            foreach (var map in maps) store.SaveMap(runId, map);
            any = true;
        }
        return any;
    }

    private static IEnumerable<MetricPoint> ReadMetrics(long runId, string path, MetricKind kind)
    {
        if (!File.Exists(path)) yield break;
        foreach (var line in File.ReadLines(path).Skip(1))
        {
            var p = line.Split(',');
            if (p.Length != 4 || !long.TryParse(p[0], CultureInfo.InvariantCulture, out long first) || !long.TryParse(p[1], CultureInfo.InvariantCulture, out long second))
                continue; // a line cut short by a kill
            double? value = double.TryParse(p[3], NumberStyles.Float, CultureInfo.InvariantCulture, out double v) && double.IsFinite(v) ? v : null;
            (long step, int epoch) = kind == MetricKind.Step ? (first, (int)second) : (second, (int)first);
            yield return new MetricPoint { RunId = runId, Kind = kind, Step = step, Epoch = epoch, Name = p[2], Value = value };
        }
    }

    /// <summary>"2026-11-30T10:00:00.123Z text" (the old log's stamp), else the whole line at the file's time.</summary>
    private static LogLine ReadLogLine(long runId, string line)
    {
        int space = line.IndexOf(' ', StringComparison.Ordinal);
        if (space > 0 && DateTime.TryParse(line[..space], CultureInfo.InvariantCulture, DateTimeStyles.AdjustToUniversal | DateTimeStyles.AssumeUniversal, out var time))
            return new LogLine { RunId = runId, Time = time, Text = line[(space + 1)..] };
        return new LogLine { RunId = runId, Time = DateTime.UtcNow, Text = line };
    }

    /// <summary>The engine's old provenance.json (its "dirtyTree" is the store's "codeDirty").</summary>
    internal static RunProvenance? ReadProvenance(string json)
    {
        var provenance = RunProvenance.FromJson(json);
        if (provenance is null || provenance.CodeDirty is not null) return provenance;
        try
        {
            return JsonNode.Parse(json)?["dirtyTree"] is JsonValue dirty && dirty.GetValueKind() is JsonValueKind.True or JsonValueKind.False
                ? provenance with { CodeDirty = dirty.GetValue<bool>() }
                : provenance;
        }
        catch (JsonException) { return provenance; }
    }

    private static List<EmbeddingMapData> ReadMaps(RunFolder folder)
    {
        var maps = new List<EmbeddingMapData>();
        string engine = Path.Combine(folder.Root, EngineMapFile), lab = Path.Combine(folder.Root, LabMapFile);
        if (File.Exists(engine)) maps.AddRange(ReadEngineMap(File.ReadAllText(engine)));
        if (File.Exists(lab) && ReadLabMap(File.ReadAllText(lab)) is { } made)
            maps = [.. maps.Where(m => m.Projection != made.Projection), made]; // made later, on request: it wins
        return maps;
    }

    private static readonly JsonSerializerOptions Options = new() { PropertyNameCaseInsensitive = true };

    private sealed record EnginePoint(string Set, int Index, long Label, string Domain, double TsneX, double TsneY, double PcaX, double PcaY);

    private sealed record EngineMap(List<string>? ClassNames, double[]? PcaExplainedVariance, List<EnginePoint>? Points);

    /// <summary>{classNames, pcaExplainedVariance, points: [{set, index, label, domain, tsneX, tsneY, pcaX, pcaY}]}: a t-SNE and a PCA map.</summary>
    internal static IReadOnlyList<EmbeddingMapData> ReadEngineMap(string json)
    {
        EngineMap? file;
        try { file = JsonSerializer.Deserialize<EngineMap>(json, Options); }
        catch (JsonException) { return []; }
        if (file?.Points is not { Count: > 0 } points) return [];
        var names = file.ClassNames ?? [];
        MapPoint Point(EnginePoint p, double x, double y) =>
            new(x, y, (int)p.Label, p.Domain == "sketch", p.Set == "query" ? ImageSetKind.Query : ImageSetKind.Gallery, p.Index);
        return
        [
            new EmbeddingMapData(MapProjection.Tsne, names, [.. points.Select(p => Point(p, p.TsneX, p.TsneY))]),
            new EmbeddingMapData(MapProjection.Pca, names, [.. points.Select(p => Point(p, p.PcaX, p.PcaY))]) { ExplainedVariance = file.PcaExplainedVariance },
        ];
    }

    private sealed record LabMap(double[]? X, double[]? Y, int[]? Labels, string[]? ClassNames, bool[]? IsSketch, string[]? Sets, int[]? Indices, string? Projection);

    /// <summary>{x, y, labels, classNames, isSketch, sets, indices, projection}: one map made on request.</summary>
    internal static EmbeddingMapData? ReadLabMap(string json)
    {
        LabMap? map;
        try { map = JsonSerializer.Deserialize<LabMap>(json, Options); }
        catch (JsonException) { return null; }
        if (map is not { X: { } x, Y: { } y, Labels: { } labels } || x.Length == 0 || x.Length != y.Length || x.Length != labels.Length) return null;
        var points = Enumerable.Range(0, x.Length).Select(i => new MapPoint(x[i], y[i], labels[i], map.IsSketch?.ElementAtOrDefault(i) == true,
            map.Sets?.ElementAtOrDefault(i) == "query" ? ImageSetKind.Query : ImageSetKind.Gallery, map.Indices?.ElementAtOrDefault(i) ?? i)).ToList();
        return new EmbeddingMapData(map.Projection == "tsne" ? MapProjection.Tsne : MapProjection.Pca, map.ClassNames ?? [], points);
    }
}
