using SbirLab.Store;
using SbirLab.Store.Accounts;
using SbirLab.Web.Accounts;
using SbirLab.Web.Services;
using SbirLab.Core.Runs;

namespace SbirLab.Web.Endpoints;

/// <summary>
/// Plain HTTP endpoints beside the Blazor pages: a run's pictures and evaluation images (PNG) from the data
/// folder, and the exports (a run as zip, all runs as CSV) that the browser downloads. They need a signed-in caller
/// (the lab's fallback policy) and serve only what that caller may read.
/// </summary>
public static class LabEndpoints
{
    public static IEndpointRouteBuilder MapLabEndpoints(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("/api");
        api.MapGet("/runs/{id:long}/images/{set}/{index:int}.png", Image);
        api.MapGet("/runs/{id:long}/pictures/{file}", Picture);
        api.MapGet("/runs/{id:long}/export.zip", ExportRun);
        api.MapGet("/runs.csv", ExportRuns);
        return app;
    }

    private static IResult Image(long id, string set, int index, GalleryImages images, HttpContext http, CallerResolver callers)
    {
        if (!Enum.TryParse<ImageSetKind>(set, ignoreCase: true, out var kind)) return Results.NotFound();
        var png = images.Png(callers.For(http.User), id, kind, index);
        return png is null ? Results.NotFound() : Results.File(png, "image/png");
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
