using System.CommandLine;
using SbirLab.Core.Configs;
using Spectre.Console;

namespace SbirLab.Cli.Commands;

/// <summary><c>sbirlab config validate|show</c>.</summary>
internal static class ConfigCommand
{
    public static Command Create()
    {
        var command = new Command("config", "Check and show run configs.");
        command.Subcommands.Add(Validate());
        command.Subcommands.Add(Show());
        return command;
    }

    private static Command Validate()
    {
        var file = new Argument<string>("file") { Description = "A run config (JSON)." };
        var sets = SetOption();
        var command = new Command("validate", "Check a config; a wrong field is named with its value and what is allowed.") { file, sets };
        command.SetAction(result =>
        {
            try
            {
                var config = ConfigJson.Load(result.GetValue(file)!, result.GetValue(sets));
                AnsiConsole.MarkupLine($"[green]valid[/]: {Markup.Escape(config.Name)}");
                return 0;
            }
            catch (ConfigException e) { return CliOutput.ConfigErrors(e); }
        });
        return command;
    }

    private static Command Show()
    {
        var file = new Argument<string>("file") { Description = "A run config (JSON)." };
        var sets = SetOption();
        var command = new Command("show", "Print the resolved config, defaults filled in and overrides applied.") { file, sets };
        command.SetAction(result =>
        {
            try
            {
                Console.WriteLine(ConfigJson.Serialize(ConfigJson.Load(result.GetValue(file)!, result.GetValue(sets))));
                return 0;
            }
            catch (ConfigException e) { return CliOutput.ConfigErrors(e); }
        });
        return command;
    }

    public static Option<string[]> SetOption() => new("--set")
    {
        Description = "Override a field: --set loss.margin=0.3 (repeatable).",
        AllowMultipleArgumentsPerToken = false,
        DefaultValueFactory = _ => [],
    };
}
