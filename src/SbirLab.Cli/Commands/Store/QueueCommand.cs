using System.CommandLine;
using SbirLab.Core.Configs;
using SbirLab.Runs;
using SbirLab.Store.Accounts;
using Spectre.Console;

namespace SbirLab.Cli.Commands.Store;

/// <summary><c>sbirlab queue &lt;config.json | pipeline.json&gt; [--set key=value ...] [--name N] [--experiment E] [--tag T ...] [--team T]</c>.</summary>
internal static class QueueCommand
{
    public static Command Create()
    {
        var file = new Argument<string>("config") { Description = "A run config (JSON), e.g. experiments/fashion-mnist/triplet.json, or a pipeline of runs (a \"runs\" array), e.g. experiments/sbir/fm-drawn-pipeline.json; --set applies to every run of a pipeline." };
        var sets = ConfigCommand.SetOption();
        var name = new Option<string?>("--name") { Description = "Run name (default: the config's name)." };
        var experiment = new Option<string?>("--experiment") { Description = "Experiment the run belongs to (created when new)." };
        var tags = new Option<string[]>("--tag") { Description = "A tag (repeatable).", AllowMultipleArgumentsPerToken = false };
        var team = new Option<string?>("--team") { Description = "The team the run belongs to (default: the default team); see sbirlab teams list." };
        var command = new Command("queue", "Validate a config and add it to the run queue; a worker trains it.")
        {
            file, sets, name, experiment, tags, team,
        };
        command.SetAction(result =>
        {
            using var store = StoreCommands.OpenStore(result);
            string path = result.GetValue(file)!;
            long? teamId = null;
            string teamName = result.GetValue(team) ?? SbirLab.Store.Entities.Team.DefaultName;
            if (result.GetValue(team) is { } named)
            {
                using var db = store.CreateContext();
                teamId = db.Teams.Where(t => t.Name == named).Select(t => (long?)t.Id).FirstOrDefault();
                if (teamId is null) return CliOutput.Error($"--team {named}: there is no such team (sbirlab teams add {named} creates it)");
            }
            using var service = new RunService(store);
            try
            {
                if (File.Exists(path) && Pipeline.IsPipeline(File.ReadAllText(path)))
                    return QueuePipeline(service, Pipeline.LoadUnvalidated(path, result.GetValue(sets)), result.GetValue(name), result.GetValue(experiment), teamId, teamName);
                var config = ConfigJson.LoadUnvalidated(path, result.GetValue(sets)); // validated once, by the store's queue
                long id = service.Queue(Caller.DataFolderOwner, config, result.GetValue(name), result.GetValue(experiment), result.GetValue(tags), teamId: teamId);
                AnsiConsole.MarkupLine($"queued run [bold]{id}[/] ({Markup.Escape(result.GetValue(name) ?? config.Name)}) for team {Markup.Escape(teamName)} in {Markup.Escape(store.Data.Root)}");
                return 0;
            }
            catch (ConfigException e) { return CliOutput.ConfigErrors(e); }
        });
        return command;
    }

    /// <summary>Queues every run of a chain; a run that waits for others says so.</summary>
    private static int QueuePipeline(RunService service, Pipeline pipeline, string? name, string? experiment, long? teamId, string teamName)
    {
        if (name is not null) return CliOutput.Error("--name: a pipeline's runs keep the names its file gives them (later runs refer to earlier ones by name)");
        var ids = service.QueuePipeline(Caller.DataFolderOwner, pipeline, experiment, teamId);
        AnsiConsole.MarkupLine($"queued pipeline [bold]{Markup.Escape(pipeline.Name)}[/]: {ids.Count} runs for team {Markup.Escape(teamName)} in {Markup.Escape(service.Store.Data.Root)}");
        foreach (long id in ids)
        {
            var run = service.Store.Find(id)!;
            AnsiConsole.MarkupLine($"  run [bold]{id}[/] {Markup.Escape(run.Name)}{(run.Message is { } m ? ": " + Markup.Escape(m) : "")}");
        }
        return 0;
    }
}
