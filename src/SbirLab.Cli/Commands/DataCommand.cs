using System.CommandLine;
using SbirLab.Engine.Datasets.Folders;
using Spectre.Console;

namespace SbirLab.Cli.Commands;

/// <summary><c>sbirlab data inspect &lt;dir&gt;</c>: classes, counts, one-domain classes and unreadable files.</summary>
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
        return command;
    }
}
