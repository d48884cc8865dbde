using System.CommandLine;
using SbirLab.Cli.Commands.Store;
using SbirLab.Core.Configs;
using SbirLab.Engine.Models;
using SbirLab.Engine.Weights;
using SbirLab.Store;
using Spectre.Console;

namespace SbirLab.Cli.Commands;

/// <summary><c>sbirlab export backbone &lt;run&gt; [--branch sketch|photo] --out FILE.safetensors</c>.</summary>
internal static class ExportCommand
{
    public static Command Create()
    {
        var run = new Argument<string>("run") { Description = "A run: its id (#12 or 12) or name in the store, its folder, or a checkpoint file." };
        var branch = new Option<string>("--branch") { Description = "Which backbone of a two-branch run: sketch or photo (a shared-weight run has one).", DefaultValueFactory = _ => "sketch" };
        branch.AcceptOnlyFromAmong("sketch", "photo");
        var output = new Option<string>("--out") { Description = "The safetensors file to write.", Required = true };
        var backbone = new Command("backbone", "Write a run's backbone as safetensors with torchvision names (loadable as model.pretrainedSketch / pretrainedPhoto, or in PyTorch).")
        {
            run, branch, output,
        };
        backbone.SetAction(result => Backbone(result, result.GetValue(run)!, result.GetValue(branch)!, result.GetValue(output)!));
        var command = new Command("export", "Export parts of a trained run.");
        command.Subcommands.Add(backbone);
        return command;
    }

    private static int Backbone(ParseResult result, string run, string branchName, string output)
    {
        var branch = branchName == "photo" ? Domain.Photo : Domain.Sketch;
        string? path = RunPath(result, run, out var problem);
        if (path is null) return CliOutput.Error(problem!);
        try
        {
            int count = BackboneWeights.Export(path, branch, output);
            AnsiConsole.MarkupLine($"{count} tensors of the {branchName} backbone of {Markup.Escape(path)} → {Markup.Escape(output)}");
            return 0;
        }
        catch (Exception e) when (e is IOException or SafeTensorsFormatException)
        {
            return CliOutput.Error(e.Message);
        }
    }

    /// <summary>A path as given, or the folder of the store run a reference names.</summary>
    private static string? RunPath(ParseResult result, string run, out string? problem)
    {
        problem = null;
        if (!RunReferences.IsRunReference(run)) return run;
        using var store = StoreCommands.OpenStore(result);
        var record = new RunReferenceResolver(store).Find(run);
        if (record is not null) return store.Data.RunFolder(record.Id).Root;
        problem = $"{run}: no such file or folder, and no run of the store in {store.Data.Root} has that id or name";
        return null;
    }
}
