using System.CommandLine;
using System.Globalization;
using SbirLab.Core.Configs;
using SbirLab.Core.Runs;
using SbirLab.Core.Sweeps;
using SbirLab.Runs;
using SbirLab.Store;
using SbirLab.Store.Accounts;
using Spectre.Console;

namespace SbirLab.Cli.Commands.Store;

/// <summary>
/// <c>sbirlab sweep &lt;sweep.json&gt; [--set key=value ...] [--team T]</c> starts a sweep (its points join the queue, as
/// <c>queue</c> does for one config); <c>sbirlab sweeps list | show &lt;id&gt; | stop &lt;id&gt; | extend &lt;id&gt; --by N</c> manage it.
/// </summary>
internal static class SweepCommands
{
    public static Command Start()
    {
        var file = new Argument<string>("sweep") { Description = "A sweep file (JSON), e.g. experiments/sweeps/fm-sketch-margin-weight.json." };
        var sets = new Option<string[]>("--set") { Description = "Override a field of the sweep's base config: --set training.epochs=2 (repeatable)." };
        var team = new Option<string?>("--team") { Description = "The team the sweep and its runs belong to (default: the default team)." };
        var command = new Command("sweep", "Validate a sweep and queue its points (ordinary runs tagged sweep:<id>); a worker trains them.") { file, sets, team };
        command.SetAction(result =>
        {
            using var store = StoreCommands.OpenStore(result);
            SweepDefinition sweep;
            try { sweep = SweepJson.Load(result.GetValue(file)!, result.GetValue(sets), store.Data.Limits); }
            catch (ConfigException e) { return CliOutput.ConfigErrors(e); }
            if (TeamId(store, result.GetValue(team), out long? teamId) is { } error) return CliOutput.Error(error);
            using var runs = new RunService(store);
            try
            {
                var record = new SweepService(runs).Start(Caller.DataFolderOwner, sweep, teamId);
                AnsiConsole.MarkupLine($"sweep [bold]{record.Id}[/] ({Markup.Escape(record.Name)}): queued {record.PointsQueued} runs tagged {Markup.Escape(record.Tag)}; `sbirlab worker` trains them, `sbirlab sweeps show {record.Id}` ranks them");
                return 0;
            }
            catch (ConfigException e) { return CliOutput.ConfigErrors(e); }
            catch (LimitExceededException e) { return CliOutput.Error(e.Message); }
        });
        return command;
    }

    public static Command Manage()
    {
        var command = new Command("sweeps", "List, rank, stop and extend sweeps.");
        command.Subcommands.Add(List());
        command.Subcommands.Add(WithId("show", "A sweep's points, best first: status, axis values and metric.", Show));
        command.Subcommands.Add(WithId("stop", "Stop a sweep: its queued points are stopped (running ones finish).", (sweeps, id) =>
        {
            int cancelled = sweeps.Stop(Caller.DataFolderOwner, id);
            AnsiConsole.MarkupLine($"sweep {id} stopped: {cancelled} queued runs cancelled");
            return 0;
        }));
        command.Subcommands.Add(Extend());
        return command;
    }

    private static Command List()
    {
        var command = new Command("list", "Every sweep, newest first, with its progress and best point.");
        command.SetAction(result => WithService(result, sweeps =>
        {
            var table = new Table().Border(TableBorder.Simple);
            foreach (var column in new[] { "id", "name", "team", "metric", "points", "done", "best", "best run", "state" }) table.AddColumn(column);
            foreach (var record in sweeps.List(Caller.DataFolderOwner))
            {
                var view = sweeps.Find(Caller.DataFolderOwner, record.Id);
                table.AddRow(Cell(record.Id), Markup.Escape(record.Name), Markup.Escape(record.Team?.Name ?? ""),
                    Markup.Escape($"{view.Definition.Metric} ({view.Definition.Direction.Name()})"),
                    $"{record.PointsQueued}/{record.Budget}", Cell(view.Runs.Count(r => r.Status is not (RunStatus.Queued or RunStatus.Running))),
                    Figure(view.Best?.Metric), view.Best is { } best ? Markup.Escape($"{best.RunId} {best.Name}") : "",
                    view.State);
            }
            AnsiConsole.Write(table);
            return 0;
        }));
        return command;
    }

    private static int Show(SweepService sweeps, long id)
    {
        var view = sweeps.Find(Caller.DataFolderOwner, id);
        var definition = view.Definition;
        AnsiConsole.MarkupLine($"[bold]sweep {id}[/] {Markup.Escape(view.Record.Name)}: {definition.Search.Name()} search, {view.Record.PointsQueued}/{view.Record.Budget} points queued, {Markup.Escape(definition.Metric)} ({definition.Direction.Name()}), {view.State}");
        var table = new Table().Border(TableBorder.Simple);
        table.AddColumn("rank").AddColumn("run").AddColumn("name").AddColumn("status");
        foreach (var axis in definition.Axes) table.AddColumn(Markup.Escape(axis.Field));
        table.AddColumn(Markup.Escape(definition.Metric));
        int rank = 0;
        foreach (var run in view.Runs)
        {
            var cells = new List<string> { run.Metric is null ? "" : Cell(++rank), Cell(run.RunId), Markup.Escape(run.Name), run.Status.Text() };
            cells.AddRange(run.Values.Select(v => Markup.Escape(v.Value?.ToJsonString().Trim('"') ?? "")));
            cells.Add(Figure(run.Metric));
            table.AddRow([.. cells]);
        }
        AnsiConsole.Write(table);
        if (view.Best is { } best)
            AnsiConsole.MarkupLine($"best: run {best.RunId} ({Markup.Escape(best.Name)}) {Markup.Escape(definition.Metric)} {Figure(best.Metric)} with {Markup.Escape(string.Join(", ", best.Values))}");
        return 0;
    }

    private static Command Extend()
    {
        var id = new Argument<long>("id") { Description = "Sweep id (see sbirlab sweeps list)." };
        var by = new Option<int>("--by") { Description = "How many more points to queue.", Required = true };
        var command = new Command("extend", "Raise a sweep's budget and queue the next points (a stopped sweep runs again).") { id, by };
        command.SetAction(result => WithService(result, sweeps =>
        {
            var added = sweeps.Extend(Caller.DataFolderOwner, result.GetValue(id), result.GetValue(by));
            AnsiConsole.MarkupLine($"sweep {result.GetValue(id)}: queued runs {string.Join(", ", added)}");
            return 0;
        }));
        return command;
    }

    private static Command WithId(string name, string description, Func<SweepService, long, int> action)
    {
        var id = new Argument<long>("id") { Description = "Sweep id (see sbirlab sweeps list)." };
        var command = new Command(name, description) { id };
        command.SetAction(result => WithService(result, sweeps => action(sweeps, result.GetValue(id))));
        return command;
    }

    private static int WithService(ParseResult result, Func<SweepService, int> action)
    {
        if (Console.IsOutputRedirected) AnsiConsole.Profile.Width = Math.Max(AnsiConsole.Profile.Width, 160);
        using var store = StoreCommands.OpenStore(result);
        using var runs = new RunService(store);
        try { return action(new SweepService(runs)); }
        catch (ConfigException e) { return CliOutput.ConfigErrors(e); }
        catch (Exception e) when (e is KeyNotFoundException or InvalidOperationException) { return CliOutput.Error(e.Message); }
    }

    private static string? TeamId(RunStore store, string? name, out long? teamId)
    {
        teamId = null;
        if (name is null) return null;
        using var db = store.CreateContext();
        teamId = db.Teams.Where(t => t.Name == name).Select(t => (long?)t.Id).FirstOrDefault();
        return teamId is null ? $"--team {name}: there is no such team (sbirlab teams add {name} creates it)" : null;
    }

    private static string Figure(double? value) => value is { } v ? v.ToString("F4", CultureInfo.InvariantCulture) : "";

    private static string Cell(long value) => value.ToString(CultureInfo.InvariantCulture);
}
