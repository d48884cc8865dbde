using System.CommandLine;
using SbirLab.Cli.Commands;
using Spectre.Console;
using Spectre.Console.Testing;

namespace SbirLab.Cli.Tests;

/// <summary>Runs <c>sbirlab</c> in-process and captures what it prints.</summary>
internal static class CliRunner
{
    private static readonly SemaphoreSlim OneAtATime = new(1, 1);

    public static async Task<(int ExitCode, string Output)> Run(params string[] args)
    {
        await OneAtATime.WaitAsync();
        var console = new TestConsole().Width(200);
        var previous = AnsiConsole.Console;
        AnsiConsole.Console = console;
        try
        {
            int code = await CommandCatalog.Root().Parse(args).InvokeAsync();
            return (code, console.Output);
        }
        finally
        {
            AnsiConsole.Console = previous;
            OneAtATime.Release();
        }
    }

    public static string Temp(string name) => RepoPaths.TempFolder("cli-" + name);
}
