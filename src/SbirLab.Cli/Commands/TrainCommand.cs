using System.CommandLine;
using SbirLab.Core.Configs;
using SbirLab.Core.Runs;
using SbirLab.Engine;
using SbirLab.Engine.Training;
using Spectre.Console;

namespace SbirLab.Cli.Commands;

/// <summary><c>sbirlab train &lt;config.json&gt; [--set key=value ...] [--out DIR] [--resume]</c>.</summary>
internal static class TrainCommand
{
    public static Command Create()
    {
        var file = new Argument<string>("config") { Description = "A run config (JSON), e.g. experiments/fashion-mnist/triplet.json." };
        var sets = ConfigCommand.SetOption();
        var output = new Option<string?>("--out") { Description = "Train into this folder only, outside the run store (default: a new run in the store, see --data)." };
        var resume = new Option<bool>("--resume") { Description = "Continue from the run folder's last checkpoint." };
        var command = new Command("train", "Train a run and write its folder: config, metrics, checkpoints, eval.json, pictures.")
        {
            file, sets, output, resume,
        };
        command.SetAction((result, token) => result.GetValue(output) is null && !result.GetValue(resume)
            ? Store.StoreTraining.Run(result, result.GetValue(file)!, result.GetValue(sets)!, token)
            : Run(result, result.GetValue(file)!, result.GetValue(sets)!, result.GetValue(output), result.GetValue(resume), token));
        return command;
    }

    private static async Task<int> Run(ParseResult result, string configPath, string[] sets, string? output, bool resume, CancellationToken token)
    {
        RunConfig config;
        ValidatedConfig validated; // without a store, queueing and starting are one moment: one check
        try
        {
            config = WithRunFolders(result, ConfigJson.LoadUnvalidated(configPath, sets));
            validated = ConfigValidator.ForStart(config);
        }
        catch (ConfigException e) { return CliOutput.ConfigErrors(e); }
        var folder = new RunFolder(output ?? Path.Combine("runs", config.Name));
        CheckpointInfo? from = null;
        if (resume)
        {
            if (!File.Exists(folder.LastCheckpoint)) return CliOutput.Error($"--resume: no checkpoint in {folder.Checkpoints}");
            from = Checkpoints.Describe(folder.LastCheckpoint);
        }
        AnsiConsole.MarkupLine($"[bold]{Markup.Escape(config.Name)}[/] → {Markup.Escape(folder.Root)}  [grey]torch on {Markup.Escape(TorchRuntime.Describe())}[/]");
        var progress = new ConsoleProgress();
        var outcome = await progress.RunWithBar(() => Trainer.Run(validated, folder, progress, from, token));
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
        if (File.Exists(folder.Eval)) AnsiConsole.MarkupLine($"report: {Markup.Escape(folder.Eval)}, pictures in {Markup.Escape(folder.Pictures)}");
        return outcome.Status == RunStatus.Completed ? 0 : CliOutput.RunDidNotComplete;
    }
}
