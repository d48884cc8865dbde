using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.FileProviders;
using SbirLab.Core.Configs;
using SbirLab.Engine.Imaging;
using SbirLab.Engine.Search;
using SbirLab.Web.Accounts;
using SbirLab.Web.Services;

namespace SbirLab.Web.Endpoints;

/// <summary>
/// A sketch query as JSON. <see cref="Strokes"/> follows Quick, Draw!'s raw format: each stroke is
/// <c>[[x0, x1, …], [y0, y1, …], [t0, t1, …]]</c> (times optional) in canvas pixels of a
/// <see cref="Width"/>×<see cref="Height"/> canvas; <see cref="StrokeWidth"/> is the pen's width in the same pixels.
/// </summary>
public sealed record SketchQueryJson(float[][][]? Strokes, float Width, float Height, int K = 10, string? Index = null, float StrokeWidth = 0);

/// <summary>One ranked photo of an answer, with the address of its picture.</summary>
public sealed record SearchResultJson(int Rank, int GalleryIndex, long Label, string ClassName, float Distance, string Image);

/// <summary>The answer to a sketch query: ranked photos, the class of the best matches, the server's time, and the model's input as a PNG data URL.</summary>
public sealed record SearchAnswerJson(long Run, string Index, double Milliseconds, string? BestClass, int QuerySize, string QueryImage, IReadOnlyList<SearchResultJson> Results);

/// <summary>
/// The sketch-search API and the search page's browser assets:
/// <list type="bullet">
/// <item><c>POST /api/runs/{id}/search</c> with a <see cref="SketchQueryJson"/> body (at most <see cref="MaxJsonBytes"/>);</item>
/// <item><c>POST /api/runs/{id}/search/image?k=10&amp;index=hnsw</c> with a sketch image as the raw body or as the first
/// file of a multipart form (at most <see cref="SketchSearcher.MaxUploadBytes"/>);</item>
/// <item><c>GET /assets/…</c>: the files of the repository's <c>wwwroot-assets/</c> (the canvas and chart modules), embedded in the assembly at
/// build time (see SbirLab.Web.csproj) so the lab serves them from any folder, as it does its templates.</item>
/// </list>
/// Errors are problem details (<see cref="ApiProblems"/>): bad input 400 (naming the field where it is one), an
/// oversized body 413, a body of another type 415, an unknown or unsearchable run 404; nothing a client sends stops the
/// server.
/// </summary>
public static class SearchEndpoints
{
    /// <summary>Largest JSON query body: room for <see cref="SketchSearcher.MaxPoints"/> points with their times.</summary>
    public const int MaxJsonBytes = 2 * 1024 * 1024;

    /// <summary>The URL prefix of the embedded browser assets.</summary>
    public const string AssetsPath = "/assets";

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web)
    {
        NumberHandling = JsonNumberHandling.Strict,
        MaxDepth = 8,
    };

    /// <summary>
    /// Serves the embedded browser assets (public code: the search page of a visitor needs them), before the
    /// authorization middleware.
    /// </summary>
    public static WebApplication UseBrowserAssets(this WebApplication app)
    {
        app.UseStaticFiles(new StaticFileOptions { FileProvider = BrowserAssets.Files, RequestPath = AssetsPath });
        return app;
    }

    /// <summary>
    /// Maps the search API. It is open to visitors without an account, who reach only published runs
    /// (<see cref="SearchService"/> decides, from the caller), and rate limited per address for them
    /// (<see cref="LabRateLimits"/>).
    /// </summary>
    public static WebApplication MapSketchSearch(this WebApplication app)
    {
        var api = app.MapGroup("/api/runs/{id:long}/search").AllowAnonymous();
        api.MapPost("", SearchStrokes).RequireRateLimiting(LabRateLimits.Search);
        api.MapPost("/image", SearchImage).RequireRateLimiting(LabRateLimits.Search);
        return app;
    }

    public static async Task<Results<Ok<SearchAnswerJson>, ProblemHttpResult>> SearchStrokes(long id, HttpRequest request, SearchService search, CallerResolver callers)
    {
        var caller = callers.For(request.HttpContext.User);
        // JSON only: text/plain is what another site's page may post without asking (no CORS preflight).
        if (!request.HasJsonContentType())
            return ApiProblems.UnsupportedType("a query is JSON: send it with Content-Type: application/json");
        var (body, tooLarge) = await ReadBody(request, MaxJsonBytes);
        if (tooLarge) return ApiProblems.TooLarge($"a query may hold at most {MaxJsonBytes / 1048576} MiB of JSON");
        SketchQueryJson? query;
        try { query = JsonSerializer.Deserialize<SketchQueryJson>(body, Json); }
        catch (JsonException e) { return ApiProblems.BadRequest("malformed JSON" + (e.Path is { } path ? $" at {path}" : "") + (e.LineNumber is { } line ? $", line {line + 1}" : ""), e.Path is { Length: > 2 } at ? at[2..] : null); }
        if (query is null) return ApiProblems.BadRequest("the body must be a JSON object");
        return await Answer(id, request, search, async () =>
            await search.SearchAsync(caller, id, ToStrokes(query.Strokes), query.Width, query.Height, query.K, ParseIndex(query.Index), query.StrokeWidth));
    }

    public static async Task<Results<Ok<SearchAnswerJson>, ProblemHttpResult>> SearchImage(long id, HttpRequest request, SearchService search, CallerResolver callers, int k = 10, string? index = null)
    {
        var caller = callers.For(request.HttpContext.User);
        if (UploadRefusal(request) is { } refusal) return refusal;
        byte[] file;
        if (request.HasFormContentType)
        {
            if (request.ContentLength > SketchSearcher.MaxUploadBytes + 64 * 1024) return TooLargeUpload();
            IFormCollection form;
            try { form = await request.ReadFormAsync(new FormOptions { MultipartBodyLengthLimit = SketchSearcher.MaxUploadBytes }); }
            catch (InvalidDataException e) when (e.Message.Contains("limit", StringComparison.OrdinalIgnoreCase)) { return TooLargeUpload(); }
            catch (Exception e) when (e is InvalidDataException or IOException) { return ApiProblems.BadRequest("the multipart form could not be read; send the image as its first file"); }
            if (form.Files.Count == 0) return ApiProblems.BadRequest("the form holds no file");
            if (form.Files[0].Length > SketchSearcher.MaxUploadBytes) return TooLargeUpload();
            using var copy = new MemoryStream();
            await form.Files[0].CopyToAsync(copy);
            file = copy.ToArray();
        }
        else
        {
            var (body, tooLarge) = await ReadBody(request, SketchSearcher.MaxUploadBytes);
            if (tooLarge) return TooLargeUpload();
            file = body;
        }
        return await Answer(id, request, search, () => search.SearchAsync(caller, id, file, k, ParseIndex(index)));
    }

    /// <summary>
    /// An upload is a multipart form (its first file) or the image itself as the body (no type, image/*, or
    /// application/octet-stream). A URL-encoded form or text is answered 415 with what to send instead.
    /// </summary>
    private static ProblemHttpResult? UploadRefusal(HttpRequest request)
    {
        string? type = request.ContentType;
        if (string.IsNullOrEmpty(type) || request.HasFormContentType && type.StartsWith("multipart/form-data", StringComparison.OrdinalIgnoreCase)) return null;
        if (type.StartsWith("image/", StringComparison.OrdinalIgnoreCase) || type.StartsWith("application/octet-stream", StringComparison.OrdinalIgnoreCase)) return null;
        return ApiProblems.UnsupportedType(
            $"an upload is a multipart/form-data form with the image as its first file, or the image itself as the body (image/png, image/jpeg…), not {type.Split(';')[0]}");
    }

    /// <summary>The answer, or the problem: 404 for a run the caller cannot search (the service's words do not tell a run they may not read from one that does not exist), 400 for bad input.</summary>
    private static async Task<Results<Ok<SearchAnswerJson>, ProblemHttpResult>> Answer(long id, HttpRequest request, SearchService search, Func<Task<SearchAnswer>> run)
    {
        try { return TypedResults.Ok(ToJson(id, request.PathBase, await run())); }
        catch (RunNotSearchableException e) { return ApiProblems.NotFound(e.Message); }
        catch (ArgumentException e) { return ApiProblems.BadRequest(WithoutParameter(e), e.ParamName); }
    }

    /// <summary>The message without the " (Parameter 'x')" that .NET appends: the field goes in the problem's own member.</summary>
    private static string WithoutParameter(ArgumentException e) =>
        e.ParamName is null ? e.Message : e.Message.Replace($" (Parameter '{e.ParamName}')", "", StringComparison.Ordinal);

    /// <summary>The index a query names (null: the run's default); ArgumentException for a name evaluation.index does not allow.</summary>
    public static IndexKind? ParseIndex(string? index) =>
        index is null ? null
        : OptionNames.TryParse<IndexKind>(index, out var kind) ? kind
        : throw new ArgumentException($"index must be {OptionNames.Allowed(typeof(IndexKind))}, not \"{index}\"", nameof(index));

    /// <summary>Quick, Draw! raw strokes to engine strokes; ArgumentException for a stroke of the wrong shape.</summary>
    public static IReadOnlyList<Stroke> ToStrokes(float[][][]? strokes)
    {
        if (strokes is null) throw new ArgumentException("the query needs \"strokes\": [[[x…], [y…], [t…]], …]", nameof(strokes));
        if (strokes.Length > SketchSearcher.MaxStrokes) throw new ArgumentException($"at most {SketchSearcher.MaxStrokes} strokes, not {strokes.Length}", nameof(strokes));
        long points = 0;
        var result = new List<Stroke>(strokes.Length);
        for (int s = 0; s < strokes.Length; s++)
        {
            var stroke = strokes[s];
            if (stroke is null || stroke.Length is < 2 or > 3 || stroke.Any(axis => axis is null))
                throw new ArgumentException($"stroke {s} must be [[x…], [y…]] or [[x…], [y…], [t…]]", nameof(strokes));
            int count = stroke[0].Length;
            if (stroke.Any(axis => axis.Length != count)) throw new ArgumentException($"stroke {s}: x, y and t must have the same length", nameof(strokes));
            points += count;
            if (points > SketchSearcher.MaxPoints) throw new ArgumentException($"at most {SketchSearcher.MaxPoints} points in all", nameof(strokes));
            var pointList = new StrokePoint[count];
            for (int i = 0; i < count; i++)
                pointList[i] = new StrokePoint(stroke[0][i], stroke[1][i], stroke.Length == 3 ? stroke[2][i] : i);
            result.Add(new Stroke(pointList));
        }
        return result;
    }

    /// <summary>The answer as the page and API clients read it.</summary>
    public static SearchAnswerJson ToJson(long runId, PathString pathBase, SearchAnswer answer)
    {
        string prefix = $"{pathBase}/api/runs/{runId.ToString(CultureInfo.InvariantCulture)}/images/gallery/"; // the lab's one image endpoint (LabEndpoints)
        var results = answer.Results.Select((r, i) => new SearchResultJson(i + 1, r.GalleryIndex, r.Label, r.ClassName, r.Distance,
            prefix + r.GalleryIndex.ToString(CultureInfo.InvariantCulture) + ".png")).ToList();
        string query = "data:image/png;base64," + Convert.ToBase64String(PngWriter.Encode(answer.QueryImage, answer.QuerySize, answer.QuerySize));
        return new SearchAnswerJson(runId, answer.Index.Name(), Math.Round(answer.Milliseconds, 2), answer.BestClass, answer.QuerySize, query, results);
    }

    /// <summary>Reads the body up to <paramref name="limit"/> bytes; tooLarge when it holds more (the rest is not read).</summary>
    private static async Task<(byte[] Body, bool TooLarge)> ReadBody(HttpRequest request, int limit)
    {
        if (request.ContentLength > limit) return ([], true);
        using var buffer = new MemoryStream();
        var chunk = new byte[81920];
        int read;
        while ((read = await request.Body.ReadAsync(chunk)) > 0)
        {
            if (buffer.Length + read > limit) return ([], true);
            buffer.Write(chunk, 0, read);
        }
        return (buffer.ToArray(), false);
    }

    private static ProblemHttpResult TooLargeUpload() =>
        ApiProblems.TooLarge($"an upload may hold at most {SketchSearcher.MaxUploadBytes / 1048576} MiB");
}

/// <summary>The browser files of <c>wwwroot-assets/</c>, embedded in the assembly, with a version for cache busting.</summary>
public static class BrowserAssets
{
    /// <summary>Base name of the embedded resources (their logical names are this, a dot, and the file name).</summary>
    public const string ResourceBase = "SbirLab.Web.assets";

    /// <summary>The embedded files, by file name.</summary>
    public static IFileProvider Files { get; } = new EmbeddedFileProvider(typeof(BrowserAssets).Assembly, ResourceBase);

    /// <summary>A short hash of an asset's bytes, appended as <c>?v=</c> so a browser never keeps an old module.</summary>
    public static string Version(string file) => Versions.GetOrAdd(file, Hash);

    private static readonly System.Collections.Concurrent.ConcurrentDictionary<string, string> Versions = new();

    private static string Hash(string file)
    {
        var info = Files.GetFileInfo(file);
        if (!info.Exists) return "0";
        using var stream = info.CreateReadStream();
        return Convert.ToHexString(System.Security.Cryptography.SHA256.HashData(stream))[..12].ToLowerInvariant();
    }

    /// <summary>The address of an asset relative to the page's base, with its version.</summary>
    public static string Url(string file) => $".{SearchEndpoints.AssetsPath}/{file}?v={Version(file)}";
}
