using SbirLab.Core.Configs;
using SbirLab.Core.Reports;
using SbirLab.Core.Runs;
using SbirLab.Store;
using SbirLab.Store.Accounts;
using SbirLab.Store.Entities;

namespace SbirLab.Runs.Reports;

/// <summary>
/// The assignment report of some runs (the compare page's Report button and <c>sbirlab report</c> both come here):
/// gathers each run from the store for a caller who may read it (<see cref="AccessPolicy"/>; a run they may not read
/// is one that does not exist) and hands the runs to the engine's <see cref="IReportRenderer"/>; prints the HTML to
/// PDF with <see cref="PdfPrinter"/>.
/// </summary>
public sealed class ReportService(RunStore store, IReportRenderer renderer, PdfPrinter? printer = null)
{
    /// <summary>At most this many runs in one report (as many as compare takes).</summary>
    public const int MaxRuns = 8;

    public PdfPrinter Printer { get; } = printer ?? new PdfPrinter();

    /// <summary>The report of <paramref name="runIds"/>, in that order (duplicates once).</summary>
    /// <exception cref="ArgumentException">No run, or more than <see cref="MaxRuns"/>.</exception>
    /// <exception cref="KeyNotFoundException">A run does not exist or the caller may not read it.</exception>
    public string Html(Caller caller, IReadOnlyList<long> runIds) =>
        renderer.Html(Gather(caller, runIds), DateTime.UtcNow);

    /// <summary>Writes the report as PDF at <paramref name="pdfPath"/> (see <see cref="PdfPrinter.Print"/>).</summary>
    public void Pdf(Caller caller, IReadOnlyList<long> runIds, string pdfPath) =>
        Printer.Print(Html(caller, runIds), pdfPath);

    /// <summary>The runs as the renderer takes them; every run is checked against the caller before anything is read.</summary>
    public IReadOnlyList<ReportRun> Gather(Caller caller, IReadOnlyList<long> runIds)
    {
        ArgumentNullException.ThrowIfNull(runIds);
        var ids = runIds.Distinct().ToList();
        if (ids.Count is 0 or > MaxRuns) throw new ArgumentException($"runs: give 1 to {MaxRuns} runs (got {ids.Count})", nameof(runIds));
        var records = ids.Select(id => Readable(caller, id)).ToList();
        return [.. records.Select(Gather)];
    }

    private RunRecord Readable(Caller caller, long runId)
    {
        var run = store.Find(runId) ?? throw new KeyNotFoundException($"no run with id {runId}");
        store.Access.Demand(caller, RunAction.Read, run);
        return run;
    }

    private ReportRun Gather(RunRecord run) => new(
        run.Id,
        run.Name,
        run.Status.Text(),
        run.Team?.Name ?? "",
        ConfigJson.ParseUnvalidated(run.ConfigJson),
        EpochCurves(run.Id),
        StepLoss(run.Id),
        store.Evaluations(run.Id).LastOrDefault()?.ReportJson,
        Pictures(run.Id),
        ProvenanceTable.Of(run));

    /// <summary>Every epoch metric, x being the 1-based epoch (a resumed epoch's last value wins, as on the run page).</summary>
    private Dictionary<string, ReportSeries> EpochCurves(long runId) =>
        store.Metrics(runId, MetricKind.Epoch).Where(p => p.Value is not null).GroupBy(p => p.Name)
            .ToDictionary(g => g.Key, g => Series(g.GroupBy(p => (long)p.Epoch + 1).Select(e => (e.Key, e.OrderBy(p => p.Id).Last().Value!.Value))), StringComparer.Ordinal);

    private ReportSeries StepLoss(long runId) =>
        Series(store.Metrics(runId, MetricKind.Step, "loss").Where(p => p.Value is not null)
            .GroupBy(p => p.Step).Select(s => (s.Key, s.OrderBy(p => p.Id).Last().Value!.Value)));

    private static ReportSeries Series(IEnumerable<(long X, double Y)> points)
    {
        var ordered = points.OrderBy(p => p.X).ToList();
        return new ReportSeries([.. ordered.Select(p => (double)p.X)], [.. ordered.Select(p => p.Y)]);
    }

    /// <summary>The pictures the renderer embeds that the run's folder holds as plain files (never a link).</summary>
    private List<ReportPicture> Pictures(long runId)
    {
        string folder = store.Data.RunFolder(runId).Pictures;
        return [.. renderer.PictureNames.Select(name => Path.Combine(folder, name))
            .Where(path => store.Data.IsPlainRunFile(runId, path))
            .Select(path => new ReportPicture(Path.GetFileName(path), File.ReadAllBytes(path)))];
    }
}
