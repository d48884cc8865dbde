using SbirLab.Core.Runs;
using SbirLab.Store;
using SbirLab.Web.Services;

namespace SbirLab.Web.Endpoints;

/// <summary>
/// Plain HTTP endpoints beside the Blazor pages: a run's pictures and evaluation images (PNG) from the data
/// folder, and the exports (a run as zip, all runs as CSV) that the browser downloads.
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

    /// <summary>
    /// A query or gallery image of a run's evaluation: the ranked grid, the embedding map's thumbnails and the
    /// search results all point here. A run's images do not change for a checkpoint, so browsers may keep them a day.
    /// </summary>
    private static async Task<IResult> Image(long id, string set, int index, OpenRuns runs, HttpResponse response)
    {
        if (!Enum.TryParse<ImageSetKind>(set, ignoreCase: true, out var kind)) return Results.NotFound();
        try
        {
            var png = await runs.ImagePngAsync(id, kind, index);
            if (png is null) return Results.NotFound();
            response.Headers.CacheControl = "public, max-age=86400";
            return Results.File(png, "image/png");
        }
        catch (RunNotOpenException) { return Results.NotFound(); }
    }

    private static IResult Picture(long id, string file, RunStore store)
    {
        if (file.Contains('/') || file.Contains('\\') || file.Contains("..", StringComparison.Ordinal) || !file.EndsWith(".png", StringComparison.OrdinalIgnoreCase))
            return Results.NotFound();
        var path = Path.Combine(store.Data.RunFolder(id).Pictures, file);
        return store.Data.IsPlainRunFile(id, path) ? Results.File(path, "image/png") : Results.NotFound(); // never a link
    }

    /// <summary>The store's zip of the run, written to a temporary file and streamed (deleted once sent).</summary>
    private static IResult ExportRun(long id, RunStore store, RunExporter exporter)
    {
        var run = store.Find(id);
        if (run is null) return Results.NotFound();
        string path = Path.Combine(Path.GetTempPath(), $"sbirlab-export-{Guid.NewGuid():N}.zip");
        exporter.ExportRun(id, path);
        var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 81920, FileOptions.DeleteOnClose);
        return Results.File(stream, "application/zip", $"sbirlab-run-{id}-{Safe(run.Name)}.zip");
    }

    private static IResult ExportRuns(RunExporter exporter)
    {
        using var text = new StringWriter();
        exporter.ExportAllCsv(text);
        return Results.File(System.Text.Encoding.UTF8.GetBytes(text.ToString()), "text/csv", "sbirlab-runs.csv");
    }

    private static string Safe(string name) =>
        new(name.Select(c => char.IsLetterOrDigit(c) || c is '-' or '_' ? c : '-').Take(60).ToArray());
}
