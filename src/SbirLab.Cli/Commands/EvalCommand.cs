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
                var file = CheckpointEvaluation.Run(path, result.GetValue(export), new ConsoleLog());
                if (file.Report is { } report) Print(report);
                if (file.OneShot is { } oneShot) Print(oneShot);
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

    /// <summary>Seed 001's figures: each scorer's N-way accuracy with its 95 % interval, and its verification.</summary>
    internal static void Print(OneShotReport report)
    {
        var table = new Table().AddColumn("scorer").AddColumn("figure").AddColumn(new TableColumn("value").RightAligned()).AddColumn(new TableColumn("95 % interval").RightAligned());
        static string F(double v) => v.ToString("F3", CultureInfo.InvariantCulture);
        foreach (var method in report.Methods)
        {
            foreach (var way in method.Ways)
                table.AddRow(method.Name, $"{way.Ways}-way one-shot ({way.Episodes} episodes)", F(way.Accuracy), $"[{F(way.Low)}, {F(way.High)}]");
            table.AddRow(method.Name, $"verification AUC ({method.Verification.Pairs} pairs)", F(method.Verification.Auc), "");
            table.AddRow(method.Name, "verification accuracy at the best threshold", F(method.Verification.BestAccuracy), "");
        }
        AnsiConsole.Write(table);
    }

    private sealed class ConsoleLog : ITrainingObserver
    {
        public void OnLog(string line) => AnsiConsole.MarkupLine($"[grey]{Markup.Escape(line)}[/]");
    }
}
