using SbirLab.Core.Runs;
using SbirLab.Engine.Datasets;
using SbirLab.Engine.Evaluation;
using SbirLab.Engine.Reports;
using ReportRecallRatio = SbirLab.Engine.Reports.RecallRatioCurve;

namespace SbirLab.Engine.Training;

/// <summary>
/// Draws a run's pictures into its folder: loss curves, mAP per epoch (from the run's history, as the trainer holds it),
/// the precision–recall curve, the recall-ratio curve and one ranked example per class (relevant results framed green,
/// others red). Without a history the curve pictures already in the folder are left as they are.
/// </summary>
public static class RunPictures
{
    /// <summary>One query per class with its top results (a retrieval run).</summary>
    public const string RankedExamplesFile = "ranked-examples.png";

    /// <summary>N-way one-shot episodes (a run with a class split).</summary>
    public const string OneShotEpisodesFile = "one-shot-episodes.png";

    public static void Write(RunFolder folder, EvaluationSets data, RetrievalReport report, RunHistory? history)
    {
        Directory.CreateDirectory(folder.Pictures);
        if (history is not null)
        {
            WriteLoss(folder, history);
            WriteEpochMetric(folder, history, "map", "mAP per epoch", "mAP", "map.png");
            WriteEpochMetric(folder, history, "accuracy", "Training accuracy per epoch", "accuracy", "accuracy.png");
        }
        string name = Path.GetFileName(folder.Root);
        RunCharts.PrecisionRecall([PrCurveOf(name, report)], Path.Combine(folder.Pictures, "pr-curve.png"));
        RunCharts.RecallRatio([RecallRatioOf(name, report)], Path.Combine(folder.Pictures, "recall-ratio.png"), report.GalleryCount);
        RankedGrid.Render(RankedRows(data, report), Path.Combine(folder.Pictures, RankedExamplesFile),
            new RankedGridOptions(Title: $"{name}: one query per class, top {report.Examples.FirstOrDefault()?.GalleryIndices.Length ?? 0}"));
    }

    /// <summary>
    /// A run with a class split (seed 001): losses, the step accuracy and the one-shot accuracy per epoch, the ROC
    /// curve of every scorer, and a grid of episodes: the query, then the supports, the chosen one framed green when of
    /// the query's class and red when not, the others grey, each captioned with its class and score.
    /// </summary>
    public static void WriteOneShot(RunFolder folder, EvaluationSets data, OneShotReport report, RunHistory? history)
    {
        Directory.CreateDirectory(folder.Pictures);
        var primary = report.Methods[0];
        if (history is not null)
        {
            WriteLoss(folder, history);
            WriteEpochMetric(folder, history, "accuracy", "Training accuracy per epoch (same / different for a pair head)", "accuracy", "accuracy.png");
            if (primary.Ways.Length > 0)
            {
                int largest = primary.Ways.Max(w => w.Ways);
                WriteEpochMetric(folder, history, $"{primary.Key}_one_shot_{largest}way", $"{largest}-way one-shot accuracy per epoch ({primary.Name})", "accuracy", "one-shot.png");
            }
        }
        RunCharts.Roc([.. report.Methods.Select(m => new RocSeries(m.Name, m.Verification.Roc.FalsePositiveRate, m.Verification.Roc.TruePositiveRate, m.Verification.Auc))],
            Path.Combine(folder.Pictures, "roc.png"));
        if (report.Examples.Length == 0) return;
        string name = Path.GetFileName(folder.Root);
        RankedGrid.Render(EpisodeRows(data, report), Path.Combine(folder.Pictures, OneShotEpisodesFile),
            new RankedGridOptions(Title: $"{name}: {report.Examples[0].Ways}-way one-shot episodes ({primary.Name})", ResultHeader: "support "));
    }

    private static List<RankedRow> EpisodeRows(EvaluationSets data, OneShotReport report) =>
        report.Examples.Select(example => new RankedRow(
            (example.Correct ? "right: " : "wrong: ") + ClassName(data, example.QueryLabel),
            Image(data.Queries, example.QueryIndex),
            "query",
            example.SupportIndices.Select((s, i) => new RankedResult(
                Image(data.Queries, s),
                $"{ClassName(data, example.SupportLabels[i])} {report.Methods[0].Display(example.Scores[i])}",
                example.Correct,
                Neutral: i != example.Chosen)).ToList())).ToList();

    /// <summary>Seed 004's curve: mean precision against mean recall at each rank, averaged over queries.</summary>
    public static PrCurve PrCurveOf(string name, RetrievalReport report) =>
        new(name, report.RankCurve.MeanRecall, report.RankCurve.MeanPrecision, report.MeanAveragePrecision);

    public static ReportRecallRatio RecallRatioOf(string name, RetrievalReport report) =>
        new(name, report.RecallRatio.Retrieved.Select(n => (double)n).ToArray(), report.RecallRatio.MeanRecall);

    private static void WriteLoss(RunFolder folder, RunHistory history)
    {
        string[] parts = ["loss", "loss_embedding", "loss_ce"];
        var logged = history.Steps.Where(s => s.Values.ContainsKey("loss")).ToList();
        var steps = logged.Select(s => (double)s.Step).ToArray();
        var stepParts = parts.Select(p => new LossPart(p, logged.Where(s => s.Values.ContainsKey(p)).Select(s => s.Values[p]).ToArray()))
            .Where(p => p.Values.Length == steps.Length && p.Values.Length > 0).ToList();
        if (stepParts.Count == 2) stepParts.RemoveAt(1); // a single part equals the total: draw it once
        var epochs = history.Epochs.Where(e => e.Values.ContainsKey("loss")).ToList();
        var epochAxis = epochs.Select(e => (double)e.Epoch + 1).ToArray();
        var epochParts = parts.Select(p => new LossPart(p, epochs.Where(e => e.Values.ContainsKey(p)).Select(e => e.Values[p]).ToArray()))
            .Where(p => p.Values.Length == epochAxis.Length && p.Values.Length > 0).ToList();
        if (epochParts.Count == 2) epochParts.RemoveAt(1);
        if (stepParts.Count == 0) return;
        RunCharts.Loss(new LossHistory(steps, stepParts, epochAxis, epochParts), Path.Combine(folder.Pictures, "loss.png"));
    }

    private static void WriteEpochMetric(RunFolder folder, RunHistory history, string metric, string title, string yLabel, string file)
    {
        var epochs = history.Epochs.Where(e => e.Values.ContainsKey(metric)).ToList();
        if (epochs.Count == 0) return;
        var series = new Series(yLabel, epochs.Select(e => (double)e.Epoch + 1).ToArray(), epochs.Select(e => e.Values[metric]).ToArray());
        RunCharts.Metric(Path.Combine(folder.Pictures, file), title, yLabel, [series]);
    }

    private static List<RankedRow> RankedRows(EvaluationSets data, RetrievalReport report) =>
        report.Examples.Select(example => new RankedRow(
            ClassName(data, example.QueryLabel),
            Image(data.Queries, example.QueryIndex),
            "query",
            example.GalleryIndices.Select((g, i) => new RankedResult(
                Image(data.Gallery, (int)g),
                $"{ClassName(data, example.GalleryLabels[i])} {example.Distances[i]:F2}",
                example.Relevant[i])).ToList())).ToList();

    private static string ClassName(EvaluationSets data, long label) =>
        label >= 0 && label < data.ClassNames.Count ? data.ClassNames[(int)label] : label.ToString(System.Globalization.CultureInfo.InvariantCulture);

    private static ImageBuffer Image(IImageSet set, int index) => new(set.Pixels(index), set.Size, set.Size, set.Channels);
}
