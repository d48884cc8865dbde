using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using SbirLab.Engine.Datasets;
using SbirLab.Engine.Imaging;
using SbirLab.Engine.Search;
using SbirLab.Web.Endpoints;

namespace SbirLab.Web.Tests.Search;

/// <summary>The search API over HTTP against the running lab: answers, refusals with a message, and a server that goes on.</summary>
[Collection(SearchLabCollection.Name)]
public sealed class SearchEndpointTests(SearchLab lab)
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    private string Url => $"api/runs/{lab.RunId}/search";

    private static object Query(float[][][] strokes, int k = 10, string? index = null) =>
        new { strokes, width = 400, height = 400, k, index, strokeWidth = 6 };

    private static float[][][] Drawing(int label) => SketchDrawings.QuickDraw(SketchDrawings.Strokes(SketchDrawings.FirstOf(label)), 400);

    [Fact]
    public async Task StrokesAreAnsweredWithRankedPhotosTheirClassesAndTheBestClass()
    {
        var response = await lab.Http.PostAsJsonAsync(Url, Query(Drawing(label: 7), k: 12, index: "hnsw"));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var answer = (await response.Content.ReadFromJsonAsync<SearchAnswerJson>(Json))!;

        Assert.Equal(12, answer.Results.Count);
        Assert.Equal("hnsw", answer.Index);
        Assert.Equal(Enumerable.Range(1, 12), answer.Results.Select(r => r.Rank));
        Assert.Equal(answer.Results.Select(r => r.Distance).Order(), answer.Results.Select(r => r.Distance));
        Assert.All(answer.Results, r => Assert.Equal(FashionMnist.ClassNames[r.Label], r.ClassName));
        Assert.Equal(SketchSearcher.BestClass(answer.Results.Select(r => new SearchResult(r.GalleryIndex, r.Label, r.ClassName, r.Distance)).ToList()), answer.BestClass);
        Assert.Equal(28, answer.QuerySize);
        Assert.StartsWith("data:image/png;base64,", answer.QueryImage);
        Assert.True(answer.Milliseconds > 0);

        var photo = await lab.Http.GetAsync(answer.Results[0].Image.TrimStart('/'));
        Assert.Equal("image/png", photo.Content.Headers.ContentType?.MediaType);
        Assert.Equal(answer.Results[0].Image, $"/api/runs/{lab.RunId}/images/gallery/{answer.Results[0].GalleryIndex}.png");
    }

    [Fact]
    public async Task ExactAndHnswAgreeOnMostOfTheTopTen()
    {
        // The run's HNSW (M 16, ef 64) over a 1,000-photo gallery: its top 10 should hold nearly all of exact search's.
        int shared = 0;
        for (int label = 0; label < 10; label++)
        {
            var exact = await Answer(Query(Drawing(label), index: "exact"));
            var hnsw = await Answer(Query(Drawing(label), index: "hnsw"));
            shared += exact.Results.Select(r => r.GalleryIndex).Intersect(hnsw.Results.Select(r => r.GalleryIndex)).Count();
        }
        Assert.True(shared >= 90, $"HNSW kept {shared} of exact search's 100 top-10 photos");
    }

    [Fact]
    public async Task AnUploadedSketchImageIsAnsweredAsRawBodyOrMultipartForm()
    {
        int trouser = SketchDrawings.FirstOf(1);
        var png = PngWriter.Encode(PseudoSketch.FromImage(SketchDrawings.TestSplit.Image(trouser).ToArray(), 28, 28, 280, strokeWidth: 6), 280, 280);

        using var raw = new ByteArrayContent(png);
        raw.Headers.ContentType = new MediaTypeHeaderValue("image/png");
        var fromRaw = await Answer(await lab.Http.PostAsync(Url + "/image?k=5", raw));

        using var form = new MultipartFormDataContent { { new ByteArrayContent(png), "file", "trouser.png" } };
        var fromForm = await Answer(await lab.Http.PostAsync(Url + "/image?k=5", form));

        Assert.Equal(5, fromRaw.Results.Count);
        Assert.Equal(fromRaw.Results.Select(r => r.GalleryIndex), fromForm.Results.Select(r => r.GalleryIndex));
    }

    [Theory]
    [InlineData("{\"strokes\": [[[1, 2], [3, 4]]], \"width\": 400", "malformed JSON")]
    [InlineData("[1, 2, 3]", "malformed JSON")]
    [InlineData("{\"width\": 400, \"height\": 400}", "\"strokes\"")]
    [InlineData("{\"strokes\": [], \"width\": 400, \"height\": 400}", "at least one stroke")]
    [InlineData("{\"strokes\": [[[1, 2]]], \"width\": 400, \"height\": 400}", "stroke 0 must be")]
    [InlineData("{\"strokes\": [[[1, 2], [3]]], \"width\": 400, \"height\": 400}", "same length")]
    [InlineData("{\"strokes\": [[[1, \"x\"], [3, 4]]], \"width\": 400, \"height\": 400}", "malformed JSON")]
    [InlineData("{\"strokes\": [[[], []]], \"width\": 400, \"height\": 400}", "at least one point")]
    [InlineData("{\"strokes\": [[[1, 2], [3, 4]]], \"width\": 0, \"height\": 400}", "canvas")]
    [InlineData("{\"strokes\": [[[1, 2], [3, 4]]], \"width\": 400, \"height\": 400, \"index\": \"annoy\"}", "index must be")]
    [InlineData("{\"strokes\": [[[1, 2], [3, 4]]], \"width\": 400, \"height\": 400, \"strokeWidth\": -3}", "stroke width")]
    public async Task MalformedQueriesAreRefusedWithAMessage(string body, string message)
    {
        var response = await lab.Http.PostAsync(Url, new StringContent(body, Encoding.UTF8, "application/json"));
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains(message, await Error(response));
    }

    [Theory]
    [InlineData("{\"strokes\": [[[1, 2], [3, 4]]], \"width\": 400, \"height\": 400, \"index\": \"annoy\"}", "index", "index must be one of exact, hnsw, not \"annoy\"")]
    [InlineData("{\"width\": 400, \"height\": 400}", "strokes", "the query needs \"strokes\": [[[x…], [y…], [t…]], …]")]
    [InlineData("{\"strokes\": [[[1, \"x\"], [3, 4]]], \"width\": 400, \"height\": 400}", "strokes[0][0][1]", "malformed JSON at $.strokes[0][0][1], line 1")]
    public async Task A_bad_field_is_a_problem_details_body_naming_the_field_in_our_own_words(string body, string field, string detail)
    {
        var response = await lab.Http.PostAsync(Url, new StringContent(body, Encoding.UTF8, "application/json"));

        var problem = await ProblemBodies.Read(response);
        Assert.Equal((400, "Bad input", detail, field), (problem.Status, problem.Title, problem.Detail, problem.Field));
    }

    [Fact]
    public async Task OversizedPayloadsAreRefusedAndTheServerGoesOn()
    {
        // 501 one-point strokes: one over the stroke limit.
        var manyStrokes = Enumerable.Range(0, SketchSearcher.MaxStrokes + 1).Select(i => new[] { new[] { i % 400f }, new[] { 10f } }).ToArray();
        var tooMany = await lab.Http.PostAsJsonAsync(Url, Query(manyStrokes));
        Assert.Equal(HttpStatusCode.BadRequest, tooMany.StatusCode);
        Assert.Contains("at most 500 strokes", await Error(tooMany));

        // One stroke of 20,001 points: one over the point limit.
        var longStroke = new[] { new[] { Enumerable.Range(0, SketchSearcher.MaxPoints + 1).Select(i => i % 400f).ToArray(), new float[SketchSearcher.MaxPoints + 1] } };
        var tooLong = await lab.Http.PostAsJsonAsync(Url, Query(longStroke));
        Assert.Equal(HttpStatusCode.BadRequest, tooLong.StatusCode);
        Assert.Contains("at most 20000 points", await Error(tooLong));

        // 3 MiB of JSON is over the 2 MiB body limit whatever it holds.
        var huge = await lab.Http.PostAsync(Url, new StringContent(new string(' ', 3 * 1024 * 1024) + "{}", Encoding.UTF8, "application/json"));
        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, huge.StatusCode);
        Assert.Contains("at most 2 MiB", await Error(huge));
        var text = await lab.Http.PostAsync(Url, new StringContent("{}", Encoding.UTF8, "text/plain"));
        Assert.Equal((415, "Unsupported body type"), ((await ProblemBodies.Read(text)).Status, (await ProblemBodies.Read(text)).Title));

        using var bigUpload = new ByteArrayContent(new byte[SketchSearcher.MaxUploadBytes + 1]);
        var upload = await lab.Http.PostAsync(Url + "/image", bigUpload);
        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, upload.StatusCode);

        using var garbage = new ByteArrayContent("plain text, not a picture"u8.ToArray());
        var notImage = await lab.Http.PostAsync(Url + "/image", garbage);
        Assert.Equal(HttpStatusCode.BadRequest, notImage.StatusCode);
        Assert.Contains("not a readable image", await Error(notImage));

        // A GIF header whose next bytes read as a canvas of tens of thousands of pixels a side: refused before decoding.
        using var bomb = new ByteArrayContent("GIF89a but not really"u8.ToArray());
        var pixels = await lab.Http.PostAsync(Url + "/image", bomb);
        Assert.Equal(HttpStatusCode.BadRequest, pixels.StatusCode);
        Assert.Contains("at most 4096×4096 pixels", await Error(pixels));

        var still = await Answer(Query(Drawing(label: 5)));
        Assert.Equal(10, still.Results.Count);
    }

    [Fact]
    public async Task RunsThatCannotBeSearchedAreNotFoundWithTheReason()
    {
        var queued = await lab.Http.PostAsJsonAsync($"api/runs/{lab.QueuedRunId}/search", Query(Drawing(0)));
        Assert.Equal(HttpStatusCode.NotFound, queued.StatusCode);
        Assert.Contains("is queued, not completed", await Error(queued));

        var missing = await lab.Http.PostAsJsonAsync("api/runs/987654/search", Query(Drawing(0)));
        Assert.Equal(HttpStatusCode.NotFound, missing.StatusCode);
        Assert.Contains("does not exist", await Error(missing));
    }

    [Fact]
    public async Task TheCanvasModuleIsServedFromTheAssembly()
    {
        var module = await lab.Http.GetAsync("assets/sketch-canvas.js");
        Assert.Equal(HttpStatusCode.OK, module.StatusCode);
        Assert.Equal("text/javascript", module.Content.Headers.ContentType?.MediaType);
        string source = await module.Content.ReadAsStringAsync();
        Assert.Equal(File.ReadAllText(Path.Combine(RepoPaths.Root, "wwwroot-assets", "sketch-canvas.js")), source);
    }

    private async Task<SearchAnswerJson> Answer(object query) => await Answer(await lab.Http.PostAsJsonAsync(Url, query));

    private static async Task<SearchAnswerJson> Answer(HttpResponseMessage response)
    {
        Assert.True(response.IsSuccessStatusCode, $"{response.StatusCode}: {await response.Content.ReadAsStringAsync()}");
        return (await response.Content.ReadFromJsonAsync<SearchAnswerJson>(Json))!;
    }

    /// <summary>The detail of an error answer, after checking that it is a problem details body of the response's status.</summary>
    private static async Task<string> Error(HttpResponseMessage response) => (await ProblemBodies.Read(response)).Detail;
}
