using System.CommandLine;
using SbirLab.Core.Configs;
using SbirLab.Engine.Datasets;
using SbirLab.Engine.Datasets.Folders;
using SbirLab.Engine.Imaging;
using Spectre.Console;

namespace SbirLab.Cli.Commands;

/// <summary>
/// <c>sbirlab data inspect &lt;dir&gt;</c>: classes, counts, one-domain classes and unreadable files;
/// <c>sbirlab data pseudo-sketches --out FILE.png</c>: a picture of the twin's sketch styles.
/// </summary>
internal static class DataCommand
{
    public static Command Create()
    {
        var command = new Command("data", "Look at data sets on disk.");
        var folder = new Argument<string>("dir") { Description = "A data set folder (class folders, list file, Sketchy tree, or sketch + photo folders)." };
        var inspect = new Command("inspect", "Print classes, counts per domain, classes present in one domain only, and unreadable files.") { folder };
        inspect.SetAction(result =>
        {
            string path = result.GetValue(folder)!;
            if (!Directory.Exists(path) && !File.Exists(path)) return CliOutput.Error($"{path}: no such folder or list file");
            var report = AnsiConsole.Status().Start("decoding every image...", _ => DataInspector.Inspect(path));
            AnsiConsole.WriteLine(report.ToText());
            return 0;
        });
        command.Subcommands.Add(inspect);
        command.Subcommands.Add(SketchSheet());
        return command;
    }

    /// <summary><c>sbirlab data pseudo-sketches --out FILE.png [--seed N]</c>: photos and their pseudo-sketches in both styles.</summary>
    private static Command SketchSheet()
    {
        var output = new Option<string>("--out") { Description = "The PNG to write.", Required = true };
        var seed = new Option<int>("--seed") { Description = "The run seed the drawn sketches are drawn with.", DefaultValueFactory = _ => 1 };
        var command = new Command("pseudo-sketches", "Draw the first FashionMNIST test image of each class with its edges and drawn pseudo-sketches (what the twin's queries look like).")
        {
            output, seed,
        };
        command.SetAction(result =>
        {
            FashionMnistSplit test;
            try { test = FashionMnist.Load("test"); }
            catch (IOException e) { return CliOutput.Error(e.Message); }
            var (grey, width, height) = PseudoSketchSheet.Render(test, OptionNames.Values<SketchStyleKind>(), result.GetValue(seed));
            PngWriter.Save(grey, width, height, result.GetValue(output)!);
            AnsiConsole.MarkupLine($"rows: photos, {string.Join(", ", OptionNames.Of<SketchStyleKind>())} sketches → {Markup.Escape(result.GetValue(output)!)}");
            return 0;
        });
        return command;
    }
}
