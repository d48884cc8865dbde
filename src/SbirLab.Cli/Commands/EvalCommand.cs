using System.CommandLine;
using System.Globalization;
using SbirLab.Core.Runs;
using SbirLab.Engine.Evaluation;
using SbirLab.Engine.Training;
using SbirLab.Store;
using Spectre.Console;

namespace SbirLab.Cli.Commands;

/// <summary><c>sbirlab eval &lt;run folder or checkpoint&gt; [--export-embeddings]</c>.</summary>
internal static class EvalCommand
{
    public static Command Create()
    {
        var target = new Argument<string>("run") { Description = "A run folder or a checkpoint file." };
        var export = new Option<bool>("--export-embeddings") { Description = "Also write query/gallery embeddings and labels as .npy files." };
        var command = new Command("eval", "Re-evaluate a run: its evaluation into the run's store, pictures, and optionally the embeddings.") { target, export };
        command.SetAction(result =>
        {
            string path = result.GetValue(target)!;
            try
            {
                var file = Evaluate(path, result.GetValue(export));
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

    /// <summary>
    /// Evaluates the run, storing the evaluation in the store of its folder (its own, or the lab's it lies in; a folder
    /// from before run folders kept a store gets one) and drawing its curves from the stored history.
    /// </summary>
    private static EvaluationFile Evaluate(string path, bool exportEmbeddings)
    {
        var folder = RunFolder.FromPath(path);
        string checkpoint = File.Exists(path) ? path : folder.LastCheckpoint;
        if (!File.Exists(checkpoint)) throw new FileNotFoundException($"no checkpoint at {checkpoint}");
        var located = RunFolderStore.Open(folder, () => Checkpoints.Config(checkpoint), () => Checkpoints.Describe(checkpoint));
        if (located is not { } found)
            return CheckpointEvaluation.Run(path, exportEmbeddings, new ConsoleLog());
        using var store = found.Store;
        var observer = StoreObserver.Of(store, found.Run);
        var file = CheckpointEvaluation.Run(path, exportEmbeddings, new CompositeObserver(new ConsoleLog(), observer), observer.History());
        store.Writer.Flush();
        store.RegisterArtifacts(found.Run.Id);
        AnsiConsole.MarkupLine($"[grey]stored with run {found.Run.Id} in {Markup.Escape(store.Data.Root)}[/]");
        return file;
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
