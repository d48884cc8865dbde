using SbirLab.Core.Configs;
using Spectre.Console;

namespace SbirLab.Cli.Commands;

/// <summary>How the command line reports problems: one line per problem, exit code 2 for bad input.</summary>
internal static class CliOutput
{
    public const int BadInput = 2;
    public const int RunDidNotComplete = 1;

    public static int ConfigErrors(ConfigException e)
    {
        AnsiConsole.MarkupLine("[red]The config has problems:[/]");
        foreach (var error in e.Errors)
            AnsiConsole.MarkupLine($"  [yellow]{Markup.Escape(error.Field)}[/] = {Markup.Escape(error.Value)}: {Markup.Escape(error.Allowed)}");
        return BadInput;
    }

    public static int Error(string message)
    {
        AnsiConsole.MarkupLine($"[red]error:[/] {Markup.Escape(message)}");
        return BadInput;
    }
}
