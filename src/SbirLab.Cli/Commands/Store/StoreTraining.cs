using System.CommandLine;
using SbirLab.Core.Configs;
using SbirLab.Core.Runs;
using SbirLab.Engine;
using SbirLab.Engine.Training;
using SbirLab.Runs;
using Spectre.Console;

namespace SbirLab.Cli.Commands.Store;

/// <summary>
/// <c>sbirlab train &lt;config&gt;</c> without <c>--out</c>: trains in this process but as a run of the store,
/// so it is listed, exported and resumed like a queued run (stop it with Ctrl+C or <c>sbirlab runs stop</c>).
/// </summary>
internal static class StoreTraining
{
    public static async Task<int> Run(ParseResult result, string configPath, string[] sets, CancellationToken token)
    {
        using var store = StoreCommands.OpenStore(result);
        RunConfig config;
        try { config = ConfigJson.LoadUnvalidated(configPath, sets); } // validated by the store when the run is recorded, and at its start
        catch (ConfigException e) { return CliOutput.ConfigErrors(e); }
        using var service = new RunService(store);
        var progress = new ConsoleProgress();
        long runId = 0;
        AnsiConsole.MarkupLine($"[bold]{Markup.Escape(config.Name)}[/] → store {Markup.Escape(store.Data.Root)}  [grey]torch on {Markup.Escape(TorchRuntime.Describe())}[/]");
        RunOutcome outcome;
        try
        {
            outcome = await progress.RunWithBar(() =>
            {
                var (id, ended) = service.RunInForeground(config, new EngineRunExecutor(), extra: progress, stop: token);
                runId = id;
                return ended;
            });
        }
        catch (ConfigException e) { return CliOutput.ConfigErrors(e); }
        AnsiConsole.MarkupLine($"run [bold]{runId}[/] (sbirlab runs show {runId})");
        return TrainCommand.Report(outcome, store.Data.RunFolder(runId));
    }
}
