using SbirLab.Store;
using SbirLab.Web.Services;
using SbirLab.Core.Runs;

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

    private static IResult Image(long id, string set, int index, GalleryImages images)
    {
        if (!Enum.TryParse<ImageSetKind>(set, ignoreCase: true, out var kind)) return Results.NotFound();
        var png = images.Png(id, kind, index);
        return png is null ? Results.NotFound() : Results.File(png, "image/png");
    }

    private static IResult Picture(long id, string file, RunStore store)
    {
        if (file.Contains('/') || file.Contains('\\') || file.Contains("..", StringComparison.Ordinal) || !file.EndsWith(".png", StringComparison.OrdinalIgnoreCase))
            return Results.NotFound();
        var path = Path.Combine(store.Data.RunFolder(id).Pictures, file);
        return File.Exists(path) ? Results.File(path, "image/png") : Results.NotFound();
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
