using System.Globalization;
using System.IO.Compression;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using SbirLab.Core.Runs;
using SbirLab.Store.Accounts;
using SbirLab.Store.Entities;

namespace SbirLab.Store;

/// <summary>
/// Exports from the store: one run as a zip (config, run summary, provenance, metrics CSVs, evaluation JSON,
/// embedding maps, log: the history the store keeps, written as files only here; and the folder's pictures) and all runs as one CSV table, one row per run, with the config's
/// parameters and the final figures as columns, for spreadsheets and notebooks.
/// </summary>
public sealed class RunExporter(RunStore store)
{
    private static readonly JsonSerializerOptions Indented = new() { WriteIndented = true };

    /// <summary>Writes run <paramref name="runId"/> as a zip file at <paramref name="zipPath"/> for a caller who may export it; returns the entry names.</summary>
    public IReadOnlyList<string> ExportRun(Caller caller, long runId, string zipPath)
    {
        var run = store.Find(runId) ?? throw new KeyNotFoundException($"no run with id {runId}");
        store.Access.Demand(caller, RunAction.Export, run);
        var entries = new List<string>();
        // Written aside and renamed (AtomicFile): a download or a copy never takes half a zip.
        AtomicFile.Write(zipPath, stream =>
        {
            using var zip = new ZipArchive(stream, ZipArchiveMode.Create, leaveOpen: true);
            WriteEntries(zip, run, entries);
        });
        return entries;
    }

    private void WriteEntries(ZipArchive zip, RunRecord run, List<string> entries)
    {
        long runId = run.Id;
        void Add(string name, string text)
        {
            using var writer = new StreamWriter(zip.CreateEntry(name).Open(), new UTF8Encoding(false));
            writer.Write(text);
            entries.Add(name);
        }
        Add("config.json", run.ConfigJson);
        Add("run.json", RunSummaryJson(run));
        Add("metrics-steps.csv", MetricsCsv(store.Metrics(runId, MetricKind.Step), MetricKind.Step));
        Add("metrics-epochs.csv", MetricsCsv(store.Metrics(runId, MetricKind.Epoch), MetricKind.Epoch));
        if (store.Evaluations(runId).LastOrDefault() is { } evaluation) Add("eval.json", evaluation.ReportJson);
        foreach (var map in store.Maps(runId)) Add(map.FileName, map.ToJson());
        Add("log.txt", LogText(run));
        if (run.ProvenanceJson is { } provenance) Add("provenance.json", provenance);
        var folder = store.Data.RunFolder(runId);
        // Only plain files of the run: a symbolic link placed in its folder is left out, wherever it points.
        if (Directory.Exists(folder.Pictures))
            foreach (var picture in Directory.EnumerateFiles(folder.Pictures).Order(StringComparer.Ordinal).Where(p => !AtomicFile.IsTemporary(p) && store.Data.IsPlainRunFile(runId, p)))
                AddFile(zip, picture, "pictures/" + Path.GetFileName(picture), entries);
    }

    /// <summary>Writes every run the caller may export (of those <paramref name="query"/> selects) as one CSV table.</summary>
    public int ExportAllCsv(Caller caller, TextWriter output, RunQuery? query = null)
    {
        var rows = store.List((query ?? new RunQuery()) with { ReadableBy = caller })
            .Where(r => store.Access.Allows(caller, RunAction.Export, r)).OrderBy(r => r.Id).Select(RowOf).ToList();
        var fixedColumns = FixedColumns;
        var extraColumns = rows.SelectMany(r => r.Keys).Where(k => !fixedColumns.Contains(k)).Distinct()
            .OrderBy(ColumnGroup).ThenBy(k => k, StringComparer.Ordinal).ToList();
        var columns = fixedColumns.Concat(extraColumns).ToList();
        output.WriteLine(string.Join(',', columns.Select(Csv)));
        foreach (var row in rows)
            output.WriteLine(string.Join(',', columns.Select(c => Csv(row.GetValueOrDefault(c, "")))));
        return rows.Count;
    }

    private static readonly string[] FixedColumns =
    [
        "id", "name", "experiment", "status", "message", "created", "started", "finished", "steps", "total_steps",
        "epochs_completed", "device", "seed", "code_commit", "code_dirty", "host", "parent", "tags",
    ];

    private static int ColumnGroup(string column) => column.StartsWith("param.", StringComparison.Ordinal) ? 0
        : column.StartsWith("final.", StringComparison.Ordinal) ? 1
        : column.StartsWith("epoch.", StringComparison.Ordinal) ? 2 : 3;

    private Dictionary<string, string> RowOf(RunRecord run)
    {
        var row = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["id"] = Invariant(run.Id),
            ["name"] = run.Name,
            ["experiment"] = run.Experiment?.Name ?? "",
            ["status"] = run.Status.Text(),
            ["message"] = run.Message ?? "",
            ["created"] = Time(run.CreatedAt),
            ["started"] = Time(run.StartedAt),
            ["finished"] = Time(run.FinishedAt),
            ["steps"] = Invariant(run.Steps),
            ["total_steps"] = Invariant(run.TotalSteps),
            ["epochs_completed"] = Invariant(run.EpochsCompleted),
            ["device"] = run.Device ?? "",
            ["seed"] = Invariant(run.Seed),
            ["code_commit"] = run.CodeCommit ?? "",
            ["code_dirty"] = run.CodeDirty is { } dirty ? (dirty ? "true" : "false") : "",
            ["host"] = run.Host ?? "",
            ["parent"] = run.ParentRunId is { } parent ? Invariant(parent) : "",
            ["tags"] = string.Join(';', run.Tags.Select(t => t.Name).Order(StringComparer.Ordinal)),
        };
        foreach (var (path, value) in ConfigParameters(run.ConfigJson)) row["param." + path] = value;
        foreach (var (name, value) in store.LatestMetrics(run.Id, MetricKind.Step)) row["final." + name] = Invariant(value);
        foreach (var (name, value) in store.LatestMetrics(run.Id, MetricKind.Epoch)) row["epoch." + name] = Invariant(value);
        if (store.Evaluations(run.Id).LastOrDefault() is { } evaluation)
            foreach (var (name, value) in EvaluationParts.Figures(evaluation.SummaryJson)) row["eval." + name] = Invariant(value);
        return row;
    }

    /// <summary>Every leaf of the config JSON as "section.field" → text (lists joined with ';'); unreadable JSON gives none.</summary>
    public static IEnumerable<KeyValuePair<string, string>> ConfigParameters(string configJson)
    {
        JsonNode? root;
        try { root = JsonNode.Parse(configJson); }
        catch (JsonException) { yield break; }
        foreach (var pair in Leaves(root, "")) yield return pair;
    }

    private static IEnumerable<KeyValuePair<string, string>> Leaves(JsonNode? node, string prefix)
    {
        switch (node)
        {
            case JsonObject obj:
                foreach (var (name, child) in obj)
                    foreach (var leaf in Leaves(child, prefix.Length == 0 ? name : prefix + "." + name)) yield return leaf;
                break;
            case JsonArray array:
                yield return new(prefix, string.Join(';', array.Select(item => item is JsonValue v ? ValueText(v) : item?.ToJsonString() ?? "")));
                break;
            case JsonValue value:
                yield return new(prefix, ValueText(value));
                break;
        }
    }

    private static string ValueText(JsonValue value) =>
        value.GetValueKind() == JsonValueKind.String ? value.GetValue<string>() : value.ToJsonString();

    /// <summary>The run's log lines, one "time text" line each (as the run page shows them).</summary>
    public string LogText(RunRecord run)
    {
        ArgumentNullException.ThrowIfNull(run);
        var lines = store.Log(run.Id);
        return lines.Count == 0 ? "" : string.Join('\n', lines.Select(l => $"{Time(l.Time)} {l.Text}")) + "\n";
    }

    private string RunSummaryJson(RunRecord run)
    {
        var summary = new
        {
            id = run.Id,
            name = run.Name,
            experiment = run.Experiment?.Name,
            status = run.Status.Text(),
            message = run.Message,
            created = run.CreatedAt,
            started = run.StartedAt,
            finished = run.FinishedAt,
            steps = run.Steps,
            totalSteps = run.TotalSteps,
            epochsCompleted = run.EpochsCompleted,
            attempts = run.Attempts,
            device = run.Device,
            seed = run.Seed,
            codeCommit = run.CodeCommit,
            codeDirty = run.CodeDirty,
            packages = run.PackageVersions is { } p ? JsonNode.Parse(p) : null,
            host = run.Host,
            parentRunId = run.ParentRunId,
            checkpoint = run.CheckpointPath,
            checkpointStep = run.CheckpointStep,
            tags = run.Tags.Select(t => t.Name),
            notes = run.Notes.Select(n => new { n.CreatedAt, n.Text }),
            artifacts = store.Artifacts(run.Id).Select(a => new { a.Kind, a.Path, a.SizeBytes }),
        };
        return JsonSerializer.Serialize(summary, Indented);
    }

    /// <summary>Long-format metrics: step,epoch,name,value (steps) or epoch,step,name,value (epochs), like the run folder's files.</summary>
    public static string MetricsCsv(IEnumerable<MetricPoint> points, MetricKind kind)
    {
        var text = new StringBuilder(kind == MetricKind.Step ? "step,epoch,name,value\n" : "epoch,step,name,value\n");
        var ordered = kind == MetricKind.Step
            ? points.OrderBy(p => p.Step).ThenBy(p => p.Name, StringComparer.Ordinal)
            : points.OrderBy(p => p.Epoch).ThenBy(p => p.Name, StringComparer.Ordinal);
        foreach (var p in ordered)
        {
            string value = p.Value is { } v ? Invariant(v) : "NaN";
            text.Append(kind == MetricKind.Step
                ? $"{Invariant(p.Step)},{Invariant(p.Epoch)},{Csv(p.Name)},{value}\n"
                : $"{Invariant(p.Epoch)},{Invariant(p.Step)},{Csv(p.Name)},{value}\n");
        }
        return text.ToString();
    }

    private static void AddFile(ZipArchive zip, string path, string name, List<string> entries)
    {
        zip.CreateEntryFromFile(path, name, CompressionLevel.Fastest);
        entries.Add(name);
    }

    /// <summary>
    /// Quotes a CSV field when it holds a comma, a quote or a line break. A text that a spreadsheet would read as a
    /// formula (starting with =, +, -, @, a tab or a carriage return) gets a leading apostrophe; numbers such as
    /// -0.5 stay numbers.
    /// </summary>
    public static string Csv(string field)
    {
        if (field.Length > 0 && field[0] is '=' or '+' or '-' or '@' or '\t' or '\r' && !IsNumber(field)) field = "'" + field;
        return field.IndexOfAny([',', '"', '\n', '\r']) >= 0 ? "\"" + field.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"" : field;
    }

    private static bool IsNumber(string field) =>
        double.TryParse(field, NumberStyles.Float, CultureInfo.InvariantCulture, out _);

    private static string Invariant(IFormattable value) => value switch
    {
        double d => d.ToString("R", CultureInfo.InvariantCulture),
        _ => value.ToString(null, CultureInfo.InvariantCulture),
    };

    private static string Time(DateTime? time) => time?.ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture) ?? "";
}
