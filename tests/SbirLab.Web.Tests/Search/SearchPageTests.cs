using System.Text.RegularExpressions;
using Microsoft.Playwright;
using SbirLab.Engine.Datasets;
using SbirLab.Engine.Imaging;
using SbirLab.Web.Tests.EndToEnd;

namespace SbirLab.Web.Tests.Search;

/// <summary>The search page in real Chromium: the mouse draws on the canvas and the run's photos come back.</summary>
[Collection(SearchLabCollection.Name)]
public sealed class SearchPageTests(SearchLab lab)
{
    [Fact]
    public async Task MouseStrokesOnTheCanvasBringRankedPhotosThatUndoRedoAndClearUpdate()
    {
        var page = await lab.OpenAsync($"search?run={lab.RunId}");
        await Expect(page.Locator(".run-state")).ToContainTextAsync("ready", new() { Timeout = 60_000 });
        var canvas = page.Locator("canvas.sketch-canvas");
        var strokes = SketchDrawings.Strokes(SketchDrawings.FirstOf(9)).Take(3).ToList(); // an ankle boot's three longest lines

        await DrawAsync(page, canvas, strokes);

        await Expect(canvas).ToHaveAttributeAsync("data-strokes", "3");
        var results = page.Locator(".search-results");
        await Expect(results).ToHaveAttributeAsync("data-results", "10");
        await Expect(page.Locator(".result-card")).ToHaveCountAsync(10);
        string best = await page.Locator(".best-class").InnerTextAsync();
        Assert.Contains(best, FashionMnist.ClassNames);
        await Expect(page.Locator(".server-ms")).ToHaveTextAsync(new Regex(@"^\d+(\.\d)? ms$"));
        var distances = await page.Locator(".result-card .distance").AllInnerTextsAsync();
        var values = distances.Select(d => double.Parse(d.Replace("d = ", ""), System.Globalization.CultureInfo.InvariantCulture)).ToList();
        Assert.Equal(values.OrderBy(v => v), values); // ranked nearest first
        await Expect(page.Locator(".result-card img").First).ToHaveJSPropertyAsync("naturalWidth", 28);
        double strokeToResults = await page.EvaluateAsync<double>("performance.getEntriesByName('sketch:stroke-to-results').length");
        Assert.True(strokeToResults >= 1, "every shown stroke-end answer is timed");
        await Browser.ScreenshotAsync(page, "search-drawing-results");

        string seqBefore = (await results.GetAttributeAsync("data-answer-seq"))!;
        await page.Locator(".undo-button").ClickAsync();
        await Expect(canvas).ToHaveAttributeAsync("data-strokes", "2");
        await Expect(results).Not.ToHaveAttributeAsync("data-answer-seq", seqBefore); // the two-stroke drawing was searched again
        await Expect(page.Locator(".result-card")).ToHaveCountAsync(10);

        await page.Locator(".redo-button").ClickAsync();
        await Expect(canvas).ToHaveAttributeAsync("data-strokes", "3");
        await canvas.FocusAsync();
        await page.Keyboard.PressAsync("Control+z");
        await Expect(canvas).ToHaveAttributeAsync("data-strokes", "2");

        await page.Locator(".clear-button").ClickAsync();
        await Expect(canvas).ToHaveAttributeAsync("data-strokes", "0");
        await Expect(page.Locator(".result-card")).ToHaveCountAsync(0);
        await Expect(page.Locator(".search-empty")).ToBeVisibleAsync();
        await page.CloseAsync();
    }

    [Fact]
    public async Task AnUploadedSketchIsSearchedAndABadFileLeavesThePageWorking()
    {
        var page = await lab.OpenAsync($"search?run={lab.RunId}");
        await Expect(page.Locator(".run-state")).ToContainTextAsync("ready", new() { Timeout = 60_000 });
        var input = page.Locator("input.upload-input");

        // Blazor's InputFile attaches its change listener from script after the first render: a file set before
        // that is lost, so the upload is repeated until the page answers it (the answer is still asserted).
        var refused = page.Locator(".search-error", new() { HasText = "not a readable image" });
        for (int attempt = 0; attempt < 5 && await refused.CountAsync() == 0; attempt++)
        {
            await input.SetInputFilesAsync(new FilePayload { Name = "notes.png", MimeType = "image/png", Buffer = "not an image"u8.ToArray() });
            try { await refused.WaitForAsync(new() { Timeout = 6_000 }); }
            catch (TimeoutException) { } // Playwright for .NET times out with System.TimeoutException: not answered yet
        }
        await Expect(page.Locator(".search-error")).ToContainTextAsync("not a readable image");
        await Browser.ScreenshotAsync(page, "search-upload-refused");

        int trouser = SketchDrawings.FirstOf(1);
        var sketch = PseudoSketch.FromImage(SketchDrawings.TestSplit.Image(trouser).ToArray(), 28, 28, 280, strokeWidth: 6);
        await input.SetInputFilesAsync(new FilePayload { Name = "trouser.png", MimeType = "image/png", Buffer = PngWriter.Encode(sketch, 280, 280) });
        await Expect(page.Locator(".result-card")).ToHaveCountAsync(10);
        await Expect(page.Locator(".timing")).ToContainTextAsync("upload trouser.png");
        await Expect(page.Locator(".search-error")).ToHaveCountAsync(0);
        await Browser.ScreenshotAsync(page, "search-upload-results");

        await DrawAsync(page, page.Locator("canvas.sketch-canvas"), SketchDrawings.Strokes(trouser).Take(2).ToList());
        await Expect(page.Locator(".timing")).ToContainTextAsync("drawing");
        await page.CloseAsync();
    }

    [Fact]
    public async Task AFingerAndAPenDrawStrokesToo()
    {
        // A touch screen context; the finger and the pen come through Chromium's own input pipeline (DevTools
        // Input.dispatchTouchEvent, and Input.dispatchMouseEvent with pointerType "pen"), as real devices would.
        await using var context = await lab.SignedInContextAsync(new BrowserNewContextOptions { HasTouch = true, ViewportSize = new ViewportSize { Width = 1400, Height = 900 } });
        var page = await context.NewPageAsync();
        await page.GotoAsync(new Uri(lab.BaseUrl, $"search?run={lab.RunId}").ToString());
        await Expect(page.Locator(".run-state")).ToContainTextAsync("ready", new() { Timeout = 60_000 });
        var canvas = page.Locator("canvas.sketch-canvas");
        await canvas.EvaluateAsync("c => { window.pointerTypes = []; c.addEventListener('pointerdown', e => window.pointerTypes.push(e.pointerType)); }");
        var box = await canvas.BoundingBoxAsync() ?? throw new InvalidOperationException("the canvas is not visible");
        var line = Enumerable.Range(0, 12).Select(i => (X: box.X + box.Width * (0.2 + 0.05 * i), Y: box.Y + box.Height * (0.3 + 0.03 * i))).ToList();
        var cdp = await context.NewCDPSessionAsync(page);

        static Dictionary<string, object> Touch(string type, params (double X, double Y)[] points) => new()
        {
            ["type"] = type,
            ["touchPoints"] = points.Select(p => new Dictionary<string, object> { ["x"] = p.X, ["y"] = p.Y }).ToArray(),
        };
        await cdp.SendAsync("Input.dispatchTouchEvent", Touch("touchStart", line[0]));
        foreach (var point in line.Skip(1)) await cdp.SendAsync("Input.dispatchTouchEvent", Touch("touchMove", point));
        await cdp.SendAsync("Input.dispatchTouchEvent", Touch("touchEnd"));
        await Expect(canvas).ToHaveAttributeAsync("data-strokes", "1");

        static Dictionary<string, object> Pen(string type, (double X, double Y) p) => new()
        {
            ["type"] = type,
            ["x"] = p.X,
            ["y"] = p.Y + 80,
            ["button"] = "left",
            ["buttons"] = type == "mouseReleased" ? 0 : 1,
            ["clickCount"] = 1,
            ["pointerType"] = "pen",
            ["force"] = 0.5,
        };
        await cdp.SendAsync("Input.dispatchMouseEvent", Pen("mousePressed", line[0]));
        foreach (var point in line.Skip(1)) await cdp.SendAsync("Input.dispatchMouseEvent", Pen("mouseMoved", point));
        await cdp.SendAsync("Input.dispatchMouseEvent", Pen("mouseReleased", line[^1]));
        await Expect(canvas).ToHaveAttributeAsync("data-strokes", "2");

        Assert.Equal(["touch", "pen"], await page.EvaluateAsync<string[]>("() => window.pointerTypes"));
        await Expect(page.Locator(".result-card")).ToHaveCountAsync(10); // the two strokes were searched
    }

    /// <summary>Draws [0, 1] strokes with the mouse inside the canvas (a 10 % border), one pointer down-move-up per stroke.</summary>
    internal static async Task DrawAsync(IPage page, ILocator canvas, IReadOnlyList<Stroke> strokes)
    {
        var box = await canvas.BoundingBoxAsync() ?? throw new InvalidOperationException("the canvas is not visible");
        float X(StrokePoint p) => (float)(box.X + box.Width * (0.1 + 0.8 * p.X));
        float Y(StrokePoint p) => (float)(box.Y + box.Height * (0.1 + 0.8 * p.Y));
        foreach (var stroke in strokes)
        {
            await page.Mouse.MoveAsync(X(stroke.Points[0]), Y(stroke.Points[0]));
            await page.Mouse.DownAsync();
            foreach (var point in stroke.Points.Skip(1)) await page.Mouse.MoveAsync(X(point), Y(point), new() { Steps = 2 });
            await page.Mouse.UpAsync();
        }
    }

    private static ILocatorAssertions Expect(ILocator locator) => Assertions.Expect(locator);
}
