using System.Globalization;
using System.IO.Compression;
using System.Text;
using System.Text.Json;
using SbirLab.Store;
using SbirLab.Store.Entities;

namespace SbirLab.Web.Services;

/// <summary>
/// Exports for graders: one run as a zip (its stored record, exact config, every metric point, log,
/// evaluation and the files of its folder) and all runs as one CSV line each.
/// </summary>
public sealed class RunExporter(RunStore store, RunReader reader)
{
    private static readonly JsonSerializerOptions Indented = new() { WriteIndented = true, PropertyNamingPolicy = JsonNamingPolicy.CamelCase };

    /// <summary>Columns of the all-runs CSV.</summary>
    public static readonly string[] CsvColumns =
    [
        "id", "name", "template", "status", "message", "created_utc", "started_utc", "finished_utc", "steps", "total_steps",
        "epochs_completed", "epochs", "best_map", "last_map", "final_map", "final_map_at_r", "key_parameters", "seed", "device",
        "code_commit", "parent_run", "tags",
    ];

    /// <summary>Writes run <paramref name="runId"/> as a zip; checkpoints only when asked (they can be large).</summary>
    public void WriteZip(long runId, Stream output, bool includeCheckpoints = false)
    {
        var run = store.Find(runId) ?? throw new KeyNotFoundException($"no run with id {runId}");
        using var zip = new ZipArchive(output, ZipArchiveMode.Create, leaveOpen: true);
        AddText(zip, "run.json", JsonSerializer.Serialize(Summary(run), Indented));
        AddText(zip, "config.json", run.ConfigJson);
        AddText(zip, "metrics.csv", MetricsCsv(store.Metrics(runId)));
        AddText(zip, "log.txt", string.Join('\n', store.Log(runId).Select(l => $"{l.Time:O} {l.Text}")) + "\n");
        if (store.Evaluations(runId).LastOrDefault() is { } evaluation) AddText(zip, "eval.json", evaluation.ReportJson);
        var folder = store.Data.Absolute(run.Folder);
        if (run.Folder.Length == 0 || !Directory.Exists(folder)) return;
        foreach (var file in Directory.EnumerateFiles(folder, "*", SearchOption.AllDirectories).Order(StringComparer.Ordinal))
        {
            string relative = Path.GetRelativePath(folder, file).Replace('\\', '/');
            if (!includeCheckpoints && relative.StartsWith("checkpoints/", StringComparison.Ordinal)) continue;
            zip.CreateEntryFromFile(file, "files/" + relative, CompressionLevel.Fastest);
        }
    }

    /// <summary>Writes every run as one CSV line (UTF-8, comma separated, RFC 4180 quoting).</summary>
    public void WriteRunsCsv(TextWriter output)
    {
        output.WriteLine(string.Join(',', CsvColumns));
        var rows = reader.List().ToDictionary(r => r.Id);
        foreach (var run in store.List().OrderBy(r => r.Id))
        {
            var row = rows[run.Id];
            var figures = reader.Evaluation(run.Id)?.File.Report;
            string[] cells =
            [
                I(run.Id), run.Name, row.Template ?? "", RunRow.StatusText(run.Status), run.Message ?? "", T(run.CreatedAt), T(run.StartedAt),
                T(run.FinishedAt), I(run.Steps), I(run.TotalSteps), I(run.EpochsCompleted), I(run.Epochs), D(row.BestMap), D(row.LastMap),
                D(figures?.MeanAveragePrecision), D(figures?.MapAtR), row.KeyParameters, I(run.Seed), run.Device ?? "", run.CodeCommit ?? "",
                run.ParentRunId is { } parent ? I(parent) : "", string.Join(' ', row.Tags),
            ];
            output.WriteLine(string.Join(',', cells.Select(Quote)));
        }
    }

    /// <summary>Quotes a CSV cell when it holds a comma, a quote or a line break.</summary>
    public static string Quote(string cell) =>
        cell.IndexOfAny([',', '"', '\n', '\r']) >= 0 ? "\"" + cell.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"" : cell;

    private static object Summary(RunRecord run) => new
    {
        run.Id,
        run.Name,
        Template = run.Experiment?.Name,
        Status = RunRow.StatusText(run.Status),
        run.Message,
        run.CreatedAt,
        run.StartedAt,
        run.FinishedAt,
        run.Steps,
        run.TotalSteps,
        run.EpochsCompleted,
        run.Epochs,
        run.Attempts,
        run.Seed,
        run.Device,
        run.CodeCommit,
        run.CodeDirty,
        Packages = run.PackageVersions is { } p ? JsonDocument.Parse(p).RootElement : (JsonElement?)null,
        run.Host,
        run.ParentRunId,
        Tags = run.Tags.Select(t => t.Name),
        Notes = run.Notes.Select(n => new { n.CreatedAt, n.Text }),
    };

    private static string MetricsCsv(IEnumerable<MetricPoint> points)
    {
        var text = new StringBuilder("kind,step,epoch,name,value\n");
        foreach (var p in points)
            text.Append(CultureInfo.InvariantCulture, $"{(p.Kind == MetricKind.Step ? "step" : "epoch")},{p.Step},{p.Epoch},{Quote(p.Name)},{D(p.Value)}\n");
        return text.ToString();
    }

    private static void AddText(ZipArchive zip, string name, string text)
    {
        var entry = zip.CreateEntry(name, CompressionLevel.Fastest);
        using var writer = new StreamWriter(entry.Open(), new UTF8Encoding(false));
        writer.Write(text);
    }

    private static string I(long value) => value.ToString(CultureInfo.InvariantCulture);
    private static string D(double? value) => value is { } v ? v.ToString("R", CultureInfo.InvariantCulture) : "";
    private static string T(DateTime? time) => time is { } t ? DateTime.SpecifyKind(t, DateTimeKind.Utc).ToString("yyyy-MM-ddTHH:mm:ssZ", CultureInfo.InvariantCulture) : "";
}
