using System.CommandLine;
using SbirLab.Core.Configs;
using SbirLab.Runs;
using Spectre.Console;

namespace SbirLab.Cli.Commands.Store;

/// <summary><c>sbirlab queue &lt;config.json&gt; [--set key=value ...] [--name N] [--experiment E] [--tag T ...]</c>.</summary>
internal static class QueueCommand
{
    public static Command Create()
    {
        var file = new Argument<string>("config") { Description = "A run config (JSON), e.g. experiments/fashion-mnist/triplet.json." };
        var sets = ConfigCommand.SetOption();
        var name = new Option<string?>("--name") { Description = "Run name (default: the config's name)." };
        var experiment = new Option<string?>("--experiment") { Description = "Experiment the run belongs to (created when new)." };
        var tags = new Option<string[]>("--tag") { Description = "A tag (repeatable).", AllowMultipleArgumentsPerToken = false };
        var command = new Command("queue", "Validate a config and add it to the run queue; a worker trains it.")
        {
            file, sets, name, experiment, tags,
        };
        command.SetAction(result =>
        {
            RunConfig config;
            try { config = ConfigJson.Load(result.GetValue(file)!, result.GetValue(sets)); }
            catch (ConfigException e) { return CliOutput.ConfigErrors(e); }
            using var store = StoreCommands.OpenStore(result);
            using var service = new RunService(store);
            long id = service.Queue(config, result.GetValue(name), result.GetValue(experiment), result.GetValue(tags));
            AnsiConsole.MarkupLine($"queued run [bold]{id}[/] ({Markup.Escape(result.GetValue(name) ?? config.Name)}) in {Markup.Escape(store.Data.Root)}");
            return 0;
        });
        return command;
    }
}
