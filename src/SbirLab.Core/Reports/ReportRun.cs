using SbirLab.Core.Configs;
using SbirLab.Core.Runs;

namespace SbirLab.Core.Reports;

/// <summary>A recorded curve: x values (steps or epochs, counted from 1) and the values at them.</summary>
public sealed record ReportSeries(double[] X, double[] Y);

/// <summary>A picture the engine drew into the run's folder (its file name there, and the PNG bytes).</summary>
public sealed record ReportPicture(string FileName, byte[] Png);

/// <summary>
/// One run as the assignment report shows it, gathered from the store for a caller who may read it: what it ran
/// with, its recorded curves, its latest evaluation (the engine's eval.json, whole), its pictures and its provenance.
/// </summary>
/// <param name="EpochCurves">Every per-epoch metric of the run by name ("loss", "map", "epoch_seconds", ...).</param>
/// <param name="StepLoss">The total loss at every step (empty when the run logged none).</param>
/// <param name="EvaluationJson">The latest evaluation report; null before the run was evaluated.</param>
public sealed record ReportRun(
    long Id,
    string Name,
    string Status,
    string Team,
    RunConfig Config,
    IReadOnlyDictionary<string, ReportSeries> EpochCurves,
    ReportSeries StepLoss,
    string? EvaluationJson,
    IReadOnlyList<ReportPicture> Pictures,
    IReadOnlyList<ProvenanceItem> Provenance)
{
    public string Label => $"#{Id} {Name}";
}

/// <summary>
/// Writes the assignment report of some runs as one self-contained HTML document. The engine implements it (its
/// pictures are drawn with SkiaSharp); the store's report service gathers the runs and hands them over.
/// </summary>
public interface IReportRenderer
{
    /// <summary>The file names of the run pictures the report embeds (the service loads only these).</summary>
    IReadOnlyList<string> PictureNames { get; }

    string Html(IReadOnlyList<ReportRun> runs, DateTime generatedUtc);
}
