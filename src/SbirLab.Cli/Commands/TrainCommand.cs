using System.CommandLine;
using SbirLab.Core.Configs;
using SbirLab.Core.Runs;
using SbirLab.Engine;
using SbirLab.Engine.Training;
using SbirLab.Runs;
using SbirLab.Store;
using Spectre.Console;

namespace SbirLab.Cli.Commands;

/// <summary><c>sbirlab train &lt;config.json&gt; [--set key=value ...] [--out DIR] [--resume]</c>.</summary>
internal static class TrainCommand
{
    public static Command Create()
    {
        var file = new Argument<string>("config") { Description = "A run config (JSON), e.g. experiments/fashion-mnist/triplet.json." };
        var sets = ConfigCommand.SetOption();
        var output = new Option<string?>("--out") { Description = "Train into this folder, with its own store (DIR/sbirlab.db), outside the lab's (default: a new run in the store, see --data)." };
        var resume = new Option<bool>("--resume") { Description = "Continue the run of the --out folder from its last checkpoint." };
        var command = new Command("train", "Train a run: checkpoints and pictures in its folder, config, metrics, log and evaluation in the store.")
        {
            file, sets, output, resume,
        };
        command.SetAction((result, token) => result.GetValue(output) is null && !result.GetValue(resume)
            ? Store.StoreTraining.Run(result, result.GetValue(file)!, result.GetValue(sets)!, token)
            : Run(result, result.GetValue(file)!, result.GetValue(sets)!, result.GetValue(output), result.GetValue(resume), token));
        return command;
    }

    /// <summary>
    /// <c>--out DIR</c>: the run trains through the same run service as the lab's, into a store kept inside the folder
    /// (<see cref="DataFolder.ForRunFolder"/>), so the folder is self-contained. Training a folder again replaces its run.
    /// </summary>
    private static async Task<int> Run(ParseResult result, string configPath, string[] sets, string? output, bool resume, CancellationToken token)
    {
        RunConfig config;
        try
        {
            // Checked where every front end's runs are: at the folder store's queue and at the start of execution.
            config = WithRunFolders(result, ConfigJson.LoadUnvalidated(configPath, sets));
        }
        catch (ConfigException e) { return CliOutput.ConfigErrors(e); }
        var folder = new RunFolder(output ?? Path.Combine("runs", config.Name));
        if (resume && !File.Exists(folder.LastCheckpoint)) return CliOutput.Error($"--resume: no checkpoint in {folder.Checkpoints}");
        using var store = RunStore.Open(DataFolder.ForRunFolder(folder.Root));
        using var service = new RunService(store);
        var previous = store.List().OrderByDescending(r => r.Id).FirstOrDefault();
        if (resume && previous is null) return CliOutput.Error($"--resume: {folder.Store} holds no run to resume");
        AnsiConsole.MarkupLine($"[bold]{Markup.Escape(config.Name)}[/] → {Markup.Escape(folder.Root)}  [grey]torch on {Markup.Escape(TorchRuntime.Describe())}[/]");
        var progress = new ConsoleProgress();
        RunOutcome outcome;
        try
        {
            if (resume)
            {
                outcome = await progress.RunWithBar(() => service.ResumeInForeground(previous!.Id, new EngineRunExecutor(), progress, token));
            }
            else
            {
                foreach (var old in store.List()) store.Delete(old.Id); // the folder is trained again: its history starts over
                outcome = await progress.RunWithBar(() => service.RunInForeground(config, new EngineRunExecutor(), extra: progress, stop: token).Outcome);
            }
        }
        catch (InvalidOperationException e) { return CliOutput.Error(e.Message); }
        catch (ConfigException e) { return CliOutput.ConfigErrors(e); }
        return Report(outcome, folder);
    }

    /// <summary>Runs of the store named as pretrained weights become their folders (a run trained with --out is not in the store itself).</summary>
    private static RunConfig WithRunFolders(ParseResult result, RunConfig config)
    {
        if (RunReferences.In(config).Count == 0) return config;
        using var store = Store.StoreCommands.OpenStore(result);
        return new SbirLab.Store.RunReferenceResolver(store).Resolve(config);
    }

    internal static int Report(RunOutcome outcome, RunFolder folder)
    {
        string colour = outcome.Status == RunStatus.Completed ? "green" : "red";
        AnsiConsole.MarkupLine($"[{colour}]{outcome.Status.ToString().ToLowerInvariant()}[/]: {Markup.Escape(outcome.Message)}");
        AnsiConsole.MarkupLine($"pictures in {Markup.Escape(folder.Pictures)}; config, metrics, log and evaluation in the store (sbirlab runs export writes them as files)");
        return outcome.Status == RunStatus.Completed ? 0 : CliOutput.RunDidNotComplete;
    }
}
