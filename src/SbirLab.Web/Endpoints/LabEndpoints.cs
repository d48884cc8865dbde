using Microsoft.AspNetCore.Http.HttpResults;
using SbirLab.Core.Evaluations;
using SbirLab.Core.Runs;
using SbirLab.Runs.Reports;
using SbirLab.Store;
using SbirLab.Store.Accounts;
using SbirLab.Web.Accounts;
using SbirLab.Web.Services;

namespace SbirLab.Web.Endpoints;

/// <summary>
/// Plain HTTP endpoints beside the Blazor pages: a run's pictures and evaluation images (PNG) from the data
/// folder, and the exports (a run as zip, all runs as CSV, the assignment report) that the browser downloads. They need
/// a signed-in caller (the lab's fallback policy), except the gallery photos of published runs, and serve only what that
/// caller may read. Each handler declares what it answers (<c>Results&lt;…&gt;</c>); errors are problem details
/// (<see cref="ApiProblems"/>).
/// </summary>
public static class LabEndpoints
{
    public static IEndpointRouteBuilder MapLabEndpoints(this IEndpointRouteBuilder app)
    {
        var run = app.MapGroup("/api/runs/{id:long}");
        run.MapGet("/images/{set}/{index:int}.png", Image).AllowAnonymous().RequireRateLimiting(LabRateLimits.Gallery);
        run.MapGet("/pictures/{file}", Picture);
        run.MapGet("/export.zip", ExportRun);

        var exports = app.MapGroup("/api");
        exports.MapGet("/runs.csv", ExportRuns);
        exports.MapGet("/report.html", ReportHtml);
        exports.MapGet("/report.pdf", ReportPdf);
        return app;
    }

    /// <summary>
    /// A query or gallery image of a run's evaluation: the ranked grid, the embedding map's thumbnails and the
    /// search results all point here. Gallery photos of a published run are search results, open to visitors (rate
    /// limited per address like the search); everything else needs a reader of the run (<see cref="OpenRuns"/> decides).
    /// A run's images do not change for a checkpoint, so browsers may keep them a day, privately: a photo of an
    /// unpublished run must not stay in a shared cache after its reader signs out.
    /// </summary>
    public static async Task<Results<FileContentHttpResult, ProblemHttpResult>> Image(long id, string set, int index, OpenRuns runs, HttpContext http, CallerResolver callers)
    {
        if (!Enum.TryParse<ImageSetKind>(set, ignoreCase: true, out var kind))
            return ApiProblems.BadRequest($"set must be one of {string.Join(", ", Enum.GetNames<ImageSetKind>().Select(n => n.ToLowerInvariant()))}", "set");
        try
        {
            var png = await runs.ImagePngAsync(callers.For(http.User), id, kind, index);
            if (png is null) return ApiProblems.NotFound($"run {id} has no {kind.ToString().ToLowerInvariant()} image {index}");
            http.Response.Headers.CacheControl = "private, max-age=86400";
            return TypedResults.File(png, "image/png");
        }
        catch (RunNotOpenException) { return ApiProblems.NoRun(id); }
    }

    public static Results<PhysicalFileHttpResult, ProblemHttpResult> Picture(long id, string file, RunReader reader, RunStore store, HttpContext http, CallerResolver callers)
    {
        if (file.Contains('/') || file.Contains('\\') || file.Contains("..", StringComparison.Ordinal) || !file.EndsWith(".png", StringComparison.OrdinalIgnoreCase))
            return ApiProblems.BadRequest("file must be the name of one of the run's .png pictures", "file");
        var caller = callers.For(http.User);
        return Guarded<PhysicalFileHttpResult>(id, () =>
        {
            if (!reader.Pictures(caller, id).Contains(file, StringComparer.Ordinal)) return ApiProblems.NotFound($"run {id} has no picture {file}");
            var path = Path.Combine(reader.PicturesFolder(id), file);
            return store.Data.IsPlainRunFile(id, path) ? TypedResults.PhysicalFile(path, "image/png") : ApiProblems.NotFound($"run {id} has no picture {file}"); // never a link
        });
    }

    /// <summary>The store's zip of the run, written to a temporary file and streamed (deleted once sent).</summary>
    public static Results<FileStreamHttpResult, ProblemHttpResult> ExportRun(long id, RunReader reader, RunExporter exporter, HttpContext http, CallerResolver callers)
    {
        var caller = callers.For(http.User);
        return Guarded<FileStreamHttpResult>(id, () =>
        {
            var run = reader.Demand(caller, id);
            string path = Path.Combine(Path.GetTempPath(), $"sbirlab-export-{Guid.NewGuid():N}.zip");
            exporter.ExportRun(caller, id, path);
            var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 81920, FileOptions.DeleteOnClose);
            return TypedResults.File(stream, "application/zip", $"sbirlab-run-{id}-{Safe(run.Name)}.zip");
        });
    }

    public static FileContentHttpResult ExportRuns(RunExporter exporter, HttpContext http, CallerResolver callers)
    {
        using var text = new StringWriter();
        exporter.ExportAllCsv(callers.For(http.User), text);
        return TypedResults.File(System.Text.Encoding.UTF8.GetBytes(text.ToString()), "text/csv", "sbirlab-runs.csv");
    }

    /// <summary>The assignment report of <c>?runs=3,5</c> as a self-contained HTML download.</summary>
    public static Results<FileContentHttpResult, ProblemHttpResult> ReportHtml(string? runs, ReportService reports, HttpContext http, CallerResolver callers)
    {
        var ids = ReportIds(runs);
        if (BadReportIds(ids) is { } bad) return bad;
        var caller = callers.For(http.User);
        return GuardedRuns<FileContentHttpResult>(() =>
            TypedResults.File(System.Text.Encoding.UTF8.GetBytes(reports.Html(caller, ids)), "text/html; charset=utf-8", ReportName(ids, "html")));
    }

    /// <summary>The same report printed to PDF by Chromium; 503 with the printer's message where there is none.</summary>
    public static Results<FileStreamHttpResult, ProblemHttpResult> ReportPdf(string? runs, ReportService reports, HttpContext http, CallerResolver callers)
    {
        var ids = ReportIds(runs);
        if (BadReportIds(ids) is { } bad) return bad;
        var caller = callers.For(http.User);
        return GuardedRuns<FileStreamHttpResult>(() =>
        {
            if (!reports.Printer.IsAvailable) return ApiProblems.Unavailable(reports.Printer.UnavailableMessage);
            string path = Path.Combine(Path.GetTempPath(), $"sbirlab-report-{Guid.NewGuid():N}.pdf");
            try { reports.Pdf(caller, ids, path); }
            catch (PdfUnavailableException e) { return ApiProblems.Unavailable(e.Message); }
            var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 81920, FileOptions.DeleteOnClose);
            return TypedResults.File(stream, "application/pdf", ReportName(ids, "pdf"));
        });
    }

    private static List<long> ReportIds(string? runs) =>
        (runs ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Select(t => long.TryParse(t, out var id) ? id : -1).Where(id => id > 0).Distinct().ToList();

    private static ProblemHttpResult? BadReportIds(IReadOnlyList<long> ids) => ids.Count is 0 or > ReportService.MaxRuns
        ? ApiProblems.BadRequest($"runs: give 1 to {ReportService.MaxRuns} run ids, as ?runs=3,5 (got {ids.Count})", "runs")
        : null;

    private static string ReportName(IReadOnlyList<long> ids, string extension) =>
        $"sbirlab-report-{string.Join('-', ids.Take(ReportService.MaxRuns))}.{extension}";

    /// <summary>Run <paramref name="id"/>: one the caller may not read is 404 (it does not exist for them); one they may read but not use is 403.</summary>
    private static Results<T, ProblemHttpResult> Guarded<T>(long id, Func<Results<T, ProblemHttpResult>> action) where T : IResult
    {
        try { return action(); }
        catch (KeyNotFoundException) { return ApiProblems.NoRun(id); }
        catch (AccessDeniedException e) { return ApiProblems.Forbidden(e.Message); }
    }

    /// <summary>Several runs (a report): the service's own words name the run that is missing or unreadable (the same words for both).</summary>
    private static Results<T, ProblemHttpResult> GuardedRuns<T>(Func<Results<T, ProblemHttpResult>> action) where T : IResult
    {
        try { return action(); }
        catch (KeyNotFoundException e) { return ApiProblems.NotFound(e.Message); }
        catch (AccessDeniedException e) { return ApiProblems.Forbidden(e.Message); }
    }

    private static string Safe(string name) =>
        new(name.Select(c => char.IsLetterOrDigit(c) || c is '-' or '_' ? c : '-').Take(60).ToArray());
}
