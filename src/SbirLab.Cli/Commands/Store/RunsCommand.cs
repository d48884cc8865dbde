using System.CommandLine;
using System.Globalization;
using SbirLab.Core.Runs;
using SbirLab.Engine.Training;
using SbirLab.Runs;
using SbirLab.Store;
using SbirLab.Store.Accounts;
using SbirLab.Store.Entities;
using Spectre.Console;

namespace SbirLab.Cli.Commands.Store;

/// <summary>
/// <c>sbirlab runs list | show &lt;id&gt; | stop &lt;id&gt; | resume &lt;id&gt; | export &lt;id&gt;|--all [--out] | delete &lt;id&gt;
/// | tag &lt;id&gt; &lt;tag&gt;... [--remove] | note &lt;id&gt; &lt;text&gt;</c>.
/// </summary>
internal static class RunsCommand
{
    public static Command Create()
    {
        var command = new Command("runs", "List, inspect, stop, resume, export, delete, tag and annotate the runs of the store.");
        command.Subcommands.Add(List());
        command.Subcommands.Add(Show());
        command.Subcommands.Add(WithId("stop", "Stop a run: at once when queued, within a step (and a heartbeat) when running.", Stop));
        command.Subcommands.Add(WithId("resume", "Queue a stopped or interrupted run again; it continues from its last checkpoint.", Resume));
        command.Subcommands.Add(Export());
        command.Subcommands.Add(WithId("delete", "Delete a run that is not running, with its metrics and files.", Delete));
        command.Subcommands.Add(Tag());
        command.Subcommands.Add(Note());
        return command;
    }

    private static Command Tag()
    {
        var id = IdArgument();
        var tags = new Argument<string[]>("tags") { Description = "Tags to add (or remove).", Arity = ArgumentArity.OneOrMore };
        var remove = new Option<bool>("--remove") { Description = "Remove the tags instead of adding them." };
        var command = new Command("tag", "Add tags to a run, or remove them; `runs list --tag` filters by them.") { id, tags, remove };
        command.SetAction(result =>
        {
            using var store = StoreCommands.OpenStore(result);
            long runId = result.GetValue(id);
            if (store.Find(runId) is null) return CliOutput.Error($"no run with id {runId}");
            var names = result.GetValue(tags)!.Select(t => t.Trim()).Where(t => t.Length > 0).Distinct().ToList();
            if (names.Count == 0) return CliOutput.Error("tags: give at least one non-empty tag");
            foreach (var name in names)
            {
                if (result.GetValue(remove)) store.RemoveTag(runId, name);
                else store.AddTag(runId, name);
            }
            AnsiConsole.MarkupLine($"run {runId} tags: {Markup.Escape(string.Join(", ", store.Find(runId)!.Tags.Select(t => t.Name).Order(StringComparer.Ordinal)))}");
            return 0;
        });
        return command;
    }

    private static Command Note()
    {
        var id = IdArgument();
        var text = new Argument<string>("text") { Description = "The note (quote it)." };
        var command = new Command("note", "Add a note to a run (a grader's remark, what was tried); `runs show` lists them.") { id, text };
        command.SetAction(result =>
        {
            using var store = StoreCommands.OpenStore(result);
            long runId = result.GetValue(id);
            if (store.Find(runId) is null) return CliOutput.Error($"no run with id {runId}");
            string note = result.GetValue(text)?.Trim() ?? "";
            if (note.Length == 0) return CliOutput.Error("text: the note is empty");
            store.AddNote(runId, note);
            AnsiConsole.MarkupLine($"run {runId}: note added ({store.Find(runId)!.Notes.Count} in all)");
            return 0;
        });
        return command;
    }

    private static Command List()
    {
        var status = new Option<string?>("--status") { Description = "Only runs in this state (queued, running, completed, failed, stopped, diverged, interrupted)." };
        var experiment = new Option<string?>("--experiment") { Description = "Only runs of this experiment." };
        var tag = new Option<string?>("--tag") { Description = "Only runs with this tag." };
        var limit = new Option<int?>("--limit") { Description = "At most this many (newest first)." };
        var command = new Command("list", "A table of runs, newest first.") { status, experiment, tag, limit };
        command.SetAction(result =>
        {
            RunStatus? wanted = null;
            if (result.GetValue(status) is { } text)
            {
                if (!Enum.TryParse<RunStatus>(text, true, out var parsed)) return CliOutput.Error($"--status {text}: one of {string.Join(", ", Enum.GetNames<RunStatus>()).ToLowerInvariant()}");
                wanted = parsed;
            }
            using var store = StoreCommands.OpenStore(result);
            store.RecoverOrphans();
            var runs = store.List(new RunQuery(wanted, result.GetValue(experiment), result.GetValue(tag), result.GetValue(limit)));
            AnsiConsole.Write(RunTable(store, runs));
            return 0;
        });
        return command;
    }

    internal static Table RunTable(RunStore store, IReadOnlyList<RunRecord> runs)
    {
        if (Console.IsOutputRedirected) AnsiConsole.Profile.Width = Math.Max(AnsiConsole.Profile.Width, 140);
        var table = new Table().Border(TableBorder.Simple);
        foreach (var column in new[] { "id", "name", "team", "experiment", "status", "step", "epoch", "loss", "mAP", "queue", "worker", "device", "started", "parent" })
            table.AddColumn(new TableColumn(column).NoWrap());
        foreach (var run in runs)
        {
            var steps = store.LatestMetrics(run.Id, MetricKind.Step);
            var epochs = store.LatestMetrics(run.Id, MetricKind.Epoch);
            table.AddRow(
                Cell(run.Id),
                Markup.Escape(run.Name),
                Markup.Escape(run.Team?.Name ?? ""),
                Markup.Escape(run.Experiment?.Name ?? ""),
                StatusMarkup(run.Status),
                run.TotalSteps > 0 ? $"{run.Steps}/{run.TotalSteps}" : Cell(run.Steps),
                run.Epochs > 0 ? $"{run.EpochsCompleted}/{run.Epochs}" : "",
                Figure(steps, "loss"),
                Figure(epochs, "map"),
                Markup.Escape(run.Queue + (run.DeviceKind is { } kind ? $" ({kind})" : "")),
                Markup.Escape(run.WorkerId is null ? "" : $"{run.WorkerId}@{run.WorkerHost}"),
                Markup.Escape(run.WorkerDevice ?? run.Device?.Split(' ')[0] ?? ""),
                run.StartedAt?.ToLocalTime().ToString("MM-dd HH:mm", CultureInfo.InvariantCulture) ?? "",
                run.ParentRunId is { } parent ? Cell(parent) : "");
        }
        return table;
    }

    private static Command Show()
    {
        var id = IdArgument();
        var command = new Command("show", "Everything about one run: config, provenance, progress, figures, log.") { id };
        command.SetAction(result =>
        {
            using var store = StoreCommands.OpenStore(result);
            store.RecoverOrphans();
            var run = store.Find(result.GetValue(id));
            if (run is null) return CliOutput.Error($"no run with id {result.GetValue(id)}");
            ShowRun(store, run);
            return 0;
        });
        return command;
    }

    private static void ShowRun(RunStore store, RunRecord run)
    {
        var facts = new Grid().AddColumn().AddColumn();
        void Fact(string name, string? value) => facts.AddRow($"[grey]{name}[/]", Markup.Escape(value ?? ""));
        AnsiConsole.MarkupLine($"[bold]run {run.Id}[/] {Markup.Escape(run.Name)}  {StatusMarkup(run.Status)}");
        Fact("message", run.Message);
        Fact("team", run.Team?.Name);
        Fact("published", run.PublishedAt is { } published ? $"for sketch search since {published:u}" : null);
        Fact("experiment", run.Experiment?.Name);
        Fact("tags", string.Join(", ", run.Tags.Select(t => t.Name)));
        Fact("progress", $"step {run.Steps}/{run.TotalSteps}, epoch {run.EpochsCompleted}/{run.Epochs}, attempt {run.Attempts}");
        Fact("times", $"created {run.CreatedAt:u}, started {run.StartedAt:u}, finished {run.FinishedAt:u}");
        Fact("checkpoint", run.CheckpointPath is null ? null : $"{run.CheckpointPath} (step {run.CheckpointStep})");
        Fact("queue", run.Queue + (run.DeviceKind is { } kind ? $", needs a {kind} device" : ", any device"));
        Fact("device", run.WorkerDevice is { } pinned ? $"{pinned}: {run.Device}" : run.Device);
        Fact("seed", run.Seed.ToString(CultureInfo.InvariantCulture));
        Fact("code", run.CodeCommit is null ? null : run.CodeCommit + (run.CodeDirty == true ? " (dirty tree)" : ""));
        Fact("packages", run.PackageVersions);
        Fact("host", run.Host);
        if (run.ProvenanceJson is { } json && RunProvenance.FromJson(json) is { } provenance)
        {
            Fact("hardware", provenance.DeviceName + (provenance.DeviceMemory is { } memory ? $", {memory}" : ""));
            Fact("libtorch", provenance.LibTorch + (provenance.LibTorchWarning is { } warning ? $" (warning: {warning})" : ""));
        }
        Fact("worker", run.WorkerId is null && run.WorkerHost is null ? null
            : $"{run.WorkerId ?? $"{run.WorkerHost}:{run.WorkerPid}"} on {run.WorkerHost} (pid {run.WorkerPid})"
              + (run.Status == RunStatus.Running ? $", heartbeat {run.HeartbeatAt:u}, lease until {run.LeaseExpiresAt:u}" : ""));
        Fact("parent", run.ParentRunId?.ToString(CultureInfo.InvariantCulture));
        Fact("folder", store.Data.Artifact(run.Folder));
        AnsiConsole.Write(facts);
        WriteFigures("last step", store.LatestMetrics(run.Id, MetricKind.Step));
        WriteFigures("last epoch", store.LatestMetrics(run.Id, MetricKind.Epoch));
        if (store.Evaluations(run.Id).LastOrDefault() is { } evaluation)
            WriteFigures("evaluation", EvaluationParts.Figures(evaluation.SummaryJson));
        foreach (var note in run.Notes) AnsiConsole.MarkupLine($"[grey]note {note.CreatedAt:u}[/] {Markup.Escape(note.Text)}");
        AnsiConsole.MarkupLine("[grey]config[/]");
        AnsiConsole.WriteLine(run.ConfigJson);
        var log = store.Log(run.Id, tail: 10);
        if (log.Count > 0) AnsiConsole.MarkupLine("[grey]log (last lines)[/]");
        foreach (var line in log) AnsiConsole.MarkupLine($"[grey]{line.Time.ToLocalTime():HH:mm:ss}[/] {Markup.Escape(line.Text)}");
    }

    private static void WriteFigures(string title, IReadOnlyDictionary<string, double> figures)
    {
        if (figures.Count == 0) return;
        string text = string.Join("  ", figures.OrderBy(kv => kv.Key, StringComparer.Ordinal)
            .Select(kv => $"{kv.Key} {kv.Value.ToString("G5", CultureInfo.InvariantCulture)}"));
        AnsiConsole.MarkupLine($"[grey]{title}[/] {Markup.Escape(text)}");
    }

    private static int Stop(RunService service, long id)
    {
        var status = service.Stop(Caller.DataFolderOwner, id);
        AnsiConsole.MarkupLine(status == RunStatus.Running
            ? $"stop requested for run {id}: its worker stops it at the next step (within about a second)"
            : $"run {id} is {StatusMarkup(status)}");
        return 0;
    }

    private static int Resume(RunService service, long id)
    {
        service.Store.RecoverOrphans();
        service.Resume(Caller.DataFolderOwner, id);
        AnsiConsole.MarkupLine($"run {id}: {Markup.Escape(service.Store.Find(id)!.Message ?? "queued")}; a worker picks it up");
        return 0;
    }

    private static int Delete(RunService service, long id)
    {
        service.Delete(Caller.DataFolderOwner, id);
        AnsiConsole.MarkupLine($"deleted run {id}");
        return 0;
    }

    private static Command Export()
    {
        var id = new Argument<long?>("id") { Description = "The run to export as a zip.", Arity = ArgumentArity.ZeroOrOne };
        var all = new Option<bool>("--all") { Description = "Export every run as one CSV table (a row per run)." };
        var output = new Option<string?>("--out") { Description = "Output file (default: run-<id>.zip, or runs.csv with --all)." };
        var command = new Command("export", "Export one run as a zip (config, metrics CSV, eval JSON, pictures, log) or all runs as a CSV table.")
        {
            id, all, output,
        };
        command.SetAction(result =>
        {
            using var store = StoreCommands.OpenStore(result);
            var exporter = new RunExporter(store);
            if (result.GetValue(all))
            {
                string path = result.GetValue(output) ?? "runs.csv";
                int count = 0;
                AtomicFile.Write(path, stream =>
                {
                    using var writer = new StreamWriter(stream, leaveOpen: true);
                    count = exporter.ExportAllCsv(Caller.DataFolderOwner, writer);
                });
                AnsiConsole.MarkupLine($"wrote {count} runs to {Markup.Escape(Path.GetFullPath(path))}");
                return 0;
            }
            if (result.GetValue(id) is not { } runId) return CliOutput.Error("give a run id, or --all");
            if (store.Find(runId) is null) return CliOutput.Error($"no run with id {runId}");
            string zip = result.GetValue(output) ?? $"run-{runId}.zip";
            var entries = exporter.ExportRun(Caller.DataFolderOwner, runId, zip);
            AnsiConsole.MarkupLine($"wrote {Markup.Escape(Path.GetFullPath(zip))}: {Markup.Escape(string.Join(", ", entries))}");
            return 0;
        });
        return command;
    }

    private static Command WithId(string name, string description, Func<RunService, long, int> action)
    {
        var id = IdArgument();
        var command = new Command(name, description) { id };
        command.SetAction(result =>
        {
            using var store = StoreCommands.OpenStore(result);
            using var service = new RunService(store);
            try { return action(service, result.GetValue(id)); }
            catch (Exception e) when (e is KeyNotFoundException or InvalidOperationException) { return CliOutput.Error(e.Message); }
        });
        return command;
    }

    private static Argument<long> IdArgument() => new("id") { Description = "Run id (see sbirlab runs list)." };

    private static string StatusMarkup(RunStatus status)
    {
        string colour = status switch
        {
            RunStatus.Completed => "green",
            RunStatus.Running => "blue",
            RunStatus.Queued => "grey",
            RunStatus.Stopped or RunStatus.Interrupted => "yellow",
            _ => "red",
        };
        return $"[{colour}]{status.Text()}[/]";
    }

    private static string Figure(IReadOnlyDictionary<string, double> figures, string name) =>
        figures.TryGetValue(name, out var value) ? value.ToString("F4", CultureInfo.InvariantCulture) : "";

    private static string Cell(long value) => value.ToString(CultureInfo.InvariantCulture);
}
