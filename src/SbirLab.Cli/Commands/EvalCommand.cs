using System.CommandLine;
using System.Globalization;
using SbirLab.Core.Runs;
using SbirLab.Engine.Evaluation;
using SbirLab.Engine.Training;
using Spectre.Console;

namespace SbirLab.Cli.Commands;

/// <summary><c>sbirlab eval &lt;run folder or checkpoint&gt; [--export-embeddings]</c>.</summary>
internal static class EvalCommand
{
    public static Command Create()
    {
        var target = new Argument<string>("run") { Description = "A run folder or a checkpoint file." };
        var export = new Option<bool>("--export-embeddings") { Description = "Also write query/gallery embeddings and labels as .npy files." };
        var command = new Command("eval", "Re-evaluate a run: eval.json, pictures, and optionally the embeddings.") { target, export };
        command.SetAction(result =>
        {
            string path = result.GetValue(target)!;
            try
            {
                var report = CheckpointEvaluation.Run(path, result.GetValue(export), new ConsoleLog());
                Print(report);
                if (result.GetValue(export)) AnsiConsole.MarkupLine($"embeddings: {Markup.Escape(RunFolder.FromPath(path).Embeddings)}");
                return 0;
            }
            catch (FileNotFoundException e) { return CliOutput.Error(e.Message); }
            catch (InvalidDataException e) { return CliOutput.Error(e.Message); }
        });
        return command;
    }

    internal static void Print(RetrievalReport report)
    {
        var table = new Table().AddColumn("figure").AddColumn(new TableColumn("value").RightAligned());
        void Row(string name, double value) => table.AddRow(name, value.ToString("F4", CultureInfo.InvariantCulture));
        Row("mAP", report.MeanAveragePrecision);
        Row("mAP@R", report.MapAtR);
        foreach (var p in report.PrecisionAtK) Row($"P@{p.K}", p.Value);
        foreach (var h in report.TopKHitRate) Row($"top-{h.K} hit rate", h.Value);
        table.AddRow("queries / gallery", $"{report.QueryCount} / {report.GalleryCount}");
        AnsiConsole.Write(table);
    }

    private sealed class ConsoleLog : ITrainingObserver
    {
        public void OnLog(string line) => AnsiConsole.MarkupLine($"[grey]{Markup.Escape(line)}[/]");
    }
}
