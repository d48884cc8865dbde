using System.CommandLine;
using SbirLab.Core.Configs;
using SbirLab.Runs;
using SbirLab.Store.Accounts;
using Spectre.Console;

namespace SbirLab.Cli.Commands.Store;

/// <summary><c>sbirlab queue &lt;config.json&gt; [--set key=value ...] [--name N] [--experiment E] [--tag T ...] [--team T]</c>.</summary>
internal static class QueueCommand
{
    public static Command Create()
    {
        var file = new Argument<string>("config") { Description = "A run config (JSON), e.g. experiments/fashion-mnist/triplet.json." };
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
            RunConfig config;
            try { config = ConfigJson.Load(result.GetValue(file)!, result.GetValue(sets), store.Data.Limits); }
            catch (ConfigException e) { return CliOutput.ConfigErrors(e); }
            long? teamId = null;
            if (result.GetValue(team) is { } teamName)
            {
                using var db = store.CreateContext();
                teamId = db.Teams.Where(t => t.Name == teamName).Select(t => (long?)t.Id).FirstOrDefault();
                if (teamId is null) return CliOutput.Error($"--team {teamName}: there is no such team (sbirlab teams add {teamName} creates it)");
            }
            using var service = new RunService(store);
            long id = service.Queue(Caller.DataFolderOwner, config, result.GetValue(name), result.GetValue(experiment), result.GetValue(tags), teamId: teamId);
            AnsiConsole.MarkupLine($"queued run [bold]{id}[/] ({Markup.Escape(result.GetValue(name) ?? config.Name)}) for team {Markup.Escape(result.GetValue(team) ?? SbirLab.Store.Entities.Team.DefaultName)} in {Markup.Escape(store.Data.Root)}");
            return 0;
        });
        return command;
    }
}
