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
/// folder, and the exports (a run as zip, all runs as CSV) that the browser downloads. They need a signed-in caller
/// (the lab's fallback policy), except the gallery photos of published runs, and serve only what that caller may read.
/// </summary>
public static class LabEndpoints
{
    public static IEndpointRouteBuilder MapLabEndpoints(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("/api");
        api.MapGet("/runs/{id:long}/images/{set}/{index:int}.png", Image).AllowAnonymous().RequireRateLimiting(LabRateLimits.Gallery);
        api.MapGet("/runs/{id:long}/pictures/{file}", Picture);
        api.MapGet("/runs/{id:long}/export.zip", ExportRun);
        api.MapGet("/runs.csv", ExportRuns);
        api.MapGet("/report.html", ReportHtml);
        api.MapGet("/report.pdf", ReportPdf);
        return app;
    }

    /// <summary>
    /// A query or gallery image of a run's evaluation: the ranked grid, the embedding map's thumbnails and the
    /// search results all point here. Gallery photos of a published run are search results, open to visitors (rate
    /// limited per address like the search); everything else needs a reader of the run (<see cref="OpenRuns"/> decides).
    /// A run's images do not change for a checkpoint, so browsers may keep them a day, privately: a photo of an
    /// unpublished run must not stay in a shared cache after its reader signs out.
    /// </summary>
    private static async Task<IResult> Image(long id, string set, int index, OpenRuns runs, HttpContext http, CallerResolver callers)
    {
        if (!Enum.TryParse<ImageSetKind>(set, ignoreCase: true, out var kind)) return Results.NotFound();
        try
        {
            var png = await runs.ImagePngAsync(callers.For(http.User), id, kind, index);
            if (png is null) return Results.NotFound();
            http.Response.Headers.CacheControl = "private, max-age=86400";
            return Results.File(png, "image/png");
        }
        catch (RunNotOpenException) { return Results.NotFound(); }
    }

    private static IResult Picture(long id, string file, RunReader reader, RunStore store, HttpContext http, CallerResolver callers)
    {
        if (file.Contains('/') || file.Contains('\\') || file.Contains("..", StringComparison.Ordinal) || !file.EndsWith(".png", StringComparison.OrdinalIgnoreCase))
            return Results.NotFound();
        var caller = callers.For(http.User);
        return Guarded(() =>
        {
            if (!reader.Pictures(caller, id).Contains(file, StringComparer.Ordinal)) return Results.NotFound();
            var path = Path.Combine(reader.PicturesFolder(id), file);
            return store.Data.IsPlainRunFile(id, path) ? Results.File(path, "image/png") : Results.NotFound(); // never a link
        });
    }

    /// <summary>The store's zip of the run, written to a temporary file and streamed (deleted once sent).</summary>
    private static IResult ExportRun(long id, RunReader reader, RunExporter exporter, HttpContext http, CallerResolver callers)
    {
        var caller = callers.For(http.User);
        return Guarded(() =>
        {
            var run = reader.Demand(caller, id);
            string path = Path.Combine(Path.GetTempPath(), $"sbirlab-export-{Guid.NewGuid():N}.zip");
            exporter.ExportRun(caller, id, path);
            var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 81920, FileOptions.DeleteOnClose);
            return Results.File(stream, "application/zip", $"sbirlab-run-{id}-{Safe(run.Name)}.zip");
        });
    }

    private static IResult ExportRuns(RunExporter exporter, HttpContext http, CallerResolver callers)
    {
        using var text = new StringWriter();
        exporter.ExportAllCsv(callers.For(http.User), text);
        return Results.File(System.Text.Encoding.UTF8.GetBytes(text.ToString()), "text/csv", "sbirlab-runs.csv");
    }

    /// <summary>The assignment report of <c>?runs=3,5</c> as a self-contained HTML download.</summary>
    private static IResult ReportHtml(string? runs, ReportService reports, HttpContext http, CallerResolver callers)
    {
        var ids = ReportIds(runs);
        if (BadReportIds(ids) is { } bad) return bad;
        var caller = callers.For(http.User);
        return Guarded(() => Results.File(System.Text.Encoding.UTF8.GetBytes(reports.Html(caller, ids)), "text/html; charset=utf-8", ReportName(ids, "html")));
    }

    /// <summary>The same report printed to PDF by Chromium; 503 with the printer's message where there is none.</summary>
    private static IResult ReportPdf(string? runs, ReportService reports, HttpContext http, CallerResolver callers)
    {
        var ids = ReportIds(runs);
        if (BadReportIds(ids) is { } bad) return bad;
        var caller = callers.For(http.User);
        return Guarded(() =>
        {
            if (!reports.Printer.IsAvailable) return Results.Json(new { error = reports.Printer.UnavailableMessage }, statusCode: StatusCodes.Status503ServiceUnavailable);
            string path = Path.Combine(Path.GetTempPath(), $"sbirlab-report-{Guid.NewGuid():N}.pdf");
            try { reports.Pdf(caller, ids, path); }
            catch (PdfUnavailableException e) { return Results.Json(new { error = e.Message }, statusCode: StatusCodes.Status503ServiceUnavailable); }
            var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 81920, FileOptions.DeleteOnClose);
            return Results.File(stream, "application/pdf", ReportName(ids, "pdf"));
        });
    }

    private static List<long> ReportIds(string? runs) =>
        (runs ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Select(t => long.TryParse(t, out var id) ? id : -1).Where(id => id > 0).Distinct().ToList();

    private static IResult? BadReportIds(IReadOnlyList<long> ids) => ids.Count is 0 or > ReportService.MaxRuns
        ? Results.Json(new { error = $"runs: give 1 to {ReportService.MaxRuns} run ids, as ?runs=3,5 (got {ids.Count})" }, statusCode: StatusCodes.Status400BadRequest)
        : null;

    private static string ReportName(IReadOnlyList<long> ids, string extension) =>
        $"sbirlab-report-{string.Join('-', ids.Take(ReportService.MaxRuns))}.{extension}";

    /// <summary>A run the caller may not read is 404 (it does not exist for them); one they may read but not use is 403.</summary>
    private static IResult Guarded(Func<IResult> action)
    {
        try { return action(); }
        catch (KeyNotFoundException) { return Results.NotFound(); }
        catch (AccessDeniedException e) { return Results.Json(new { error = e.Message }, statusCode: StatusCodes.Status403Forbidden); }
    }

    private static string Safe(string name) =>
        new(name.Select(c => char.IsLetterOrDigit(c) || c is '-' or '_' ? c : '-').Take(60).ToArray());
}
