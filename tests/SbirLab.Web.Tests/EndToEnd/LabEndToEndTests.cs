using System.IO.Compression;
using System.Text.RegularExpressions;
using Microsoft.Playwright;
using SbirLab.Core.Configs;
using static Microsoft.Playwright.Assertions;

namespace SbirLab.Web.Tests.EndToEnd;

/// <summary>
/// The lab in real Chromium, as a course team uses it: open it, queue a tiny FashionMNIST run from a
/// template, watch its chart grow, stop it, resume it, clone it, compare the two runs, grade one, export.
/// Screenshots of each page land in bin/.../screenshots (and $SBIRLAB_SCREENSHOTS).
/// </summary>
public sealed class LabEndToEndTests : IAsyncLifetime
{
    private static readonly TimeSpan RunTimeout = TimeSpan.FromMinutes(3);
    private readonly string _data = Path.Combine(Path.GetTempPath(), "sbirlab-e2e", Guid.NewGuid().ToString("N"));
    private LabServer _lab = null!;
    private IPlaywright _playwright = null!;
    private IBrowser _browser = null!;
    private IPage _page = null!;

    public async Task InitializeAsync()
    {
        _lab = await LabServer.StartAsync(_data);
        (_playwright, _browser) = await Browser.LaunchAsync();
        _page = await _browser.NewPageAsync(new BrowserNewPageOptions { ViewportSize = new ViewportSize { Width = 1500, Height = 1000 }, AcceptDownloads = true });
        _page.SetDefaultTimeout(30_000);
        SetDefaultExpectTimeout(30_000);
        await SignIn.InBrowserAsync(_page, _lab.BaseUrl, "admin", SignIn.AdminPassword(_data));
    }

    [Fact]
    public async Task Queue_watch_stop_resume_clone_compare_grade_and_export()
    {
        try
        {
            await OpenTheLab();
            await QueueATinyRunFromTheTemplate();
            int pointsWhenStopped = await WatchItGrowThenStopIt();
            await ResumeItToTheEnd(pointsWhenStopped);
            await ReadTheEvaluation();
            await CloneItWithAnotherMargin();
            await CompareTheTwoRuns();
            await GradeAndExport();
        }
        catch (Exception e)
        {
            await Browser.ScreenshotAsync(_page, "failure");
            throw new InvalidOperationException($"{e.Message}\n--- lab output ---\n{_lab.Output}", e);
        }
    }

    private async Task OpenTheLab()
    {
        await _page.GotoAsync(_lab.BaseUrl + "runs");
        await Expect(_page.GetByText("No runs yet")).ToBeVisibleAsync();
        await _page.Locator(".mud-main-content a:has-text('New run')").ClickAsync();
        await Expect(_page).ToHaveURLAsync(new Regex(@"runs/new$"));
        await Expect(_page.Locator("input[data-field='name']")).ToHaveValueAsync("fm-triplet");
    }

    private async Task QueueATinyRunFromTheTemplate()
    {
        await Fill("training.epochs", "2");
        await Fill("training.maxStepsPerEpoch", "100");
        await Fill("data.trainLimit", "10000");
        await Fill("evaluation.perClass", "20");
        await Fill("evaluation.queries", "20");
        await Fill("name", "e2e-first");
        // 10,000 images / batch 100 = 100 steps, × 2 epochs: long enough (several seconds even on an idle machine) that
        // the stop below lands before the run's end; at 40 steps a fast run once completed before the click arrived.
        await Expect(_page.Locator(".lr-caption")).ToContainTextAsync("100 steps per epoch × 2 epochs = 200 steps");

        await Fill("loss.margin", "0.9");
        await Expect(Control("loss.margin")).ToContainTextAsync("expected a number in [0, 0.5]");
        await Expect(_page.Locator(".queue-button")).ToBeDisabledAsync();
        await Browser.ScreenshotAsync(_page, "02-new-run-invalid-margin");
        await Fill("loss.margin", "0.2");
        await Expect(_page.Locator(".queue-button")).ToBeEnabledAsync();
        await Expect(_page.Locator(".config-json")).ToContainTextAsync("\"name\": \"e2e-first\"");
        await Browser.ScreenshotAsync(_page, "02-new-run");

        await _page.Locator(".queue-button").ClickAsync();
        await Expect(_page).ToHaveURLAsync(new Regex(@"runs/1$"));
    }

    private async Task<int> WatchItGrowThenStopIt()
    {
        await Expect(Status()).ToHaveAttributeAsync("data-status", "running", new() { Timeout = (float)RunTimeout.TotalMilliseconds });
        int first = await WaitForPoints(p => p >= 2);
        int later = await WaitForPoints(p => p > first);
        Assert.True(later > first);
        await Browser.ScreenshotAsync(_page, "03-run-training");

        await _page.Locator(".run-stop").ClickAsync();
        await Expect(Status()).ToHaveAttributeAsync("data-status", "stopped", new() { Timeout = (float)RunTimeout.TotalMilliseconds });
        int stoppedAt = await LossPoints();
        Assert.InRange(stoppedAt, later, 199); // stopped before the 200th step
        await Expect(_page.Locator(".run-resume")).ToBeEnabledAsync();
        await Browser.ScreenshotAsync(_page, "04-run-stopped");
        return stoppedAt;
    }

    private async Task ResumeItToTheEnd(int pointsWhenStopped)
    {
        await _page.Locator(".run-resume").ClickAsync();
        await Expect(Status()).ToHaveAttributeAsync("data-status", "completed", new() { Timeout = (float)RunTimeout.TotalMilliseconds });
        // Every one of the 200 steps drawn once: the resumed run went on where it stopped.
        int all = await WaitForPoints(p => p == 200);
        Assert.True(all > pointsWhenStopped);
        await Expect(_page.Locator(".chart-box[data-chart='Retrieval per epoch']")).ToHaveAttributeAsync("data-points", "8"); // mAP, mAP@R, P@1 and P@10 of 2 epochs
        await Browser.ScreenshotAsync(_page, "05-run-completed");
    }

    private async Task ReadTheEvaluation()
    {
        await _page.Locator(".mud-tab:has-text('Evaluation')").ClickAsync();
        await Expect(_page.Locator(".ranked-row")).ToHaveCountAsync(10); // one query per FashionMNIST class
        await Expect(_page.Locator(".ranked-row").First.Locator(".thumb.relevant, .thumb.irrelevant")).ToHaveCountAsync(10);
        // Every picture of the grid loaded from the lab's image endpoint.
        await _page.WaitForFunctionAsync("() => [...document.querySelectorAll('.ranked-grid img')].every(i => i.complete && i.naturalWidth === 28)");
        string mapText = await _page.Locator(".figure-map").InnerTextAsync();
        Assert.InRange(double.Parse(mapText, System.Globalization.CultureInfo.InvariantCulture), 0.0, 1.0);
        await Browser.ScreenshotAsync(_page, "06-evaluation");

        // The embedding map the engine wrote when it evaluated the run (t-SNE of queries and gallery), a thumbnail on hover.
        await Expect(_page.Locator(".embedding-map .js-plotly-plot")).ToBeVisibleAsync(new() { Timeout = 120_000 });
        await Expect(_page.Locator(".embedding-map")).ToContainTextAsync("t-SNE projection of");
        await _page.Locator(".embedding-map .scatterlayer path.point").Nth(17).HoverAsync(new() { Force = true });
        await _page.WaitForFunctionAsync("() => { const i = document.querySelector('.embedding-map img.map-hover'); return i && i.complete && i.naturalWidth === 28; }");
        await _page.Locator(".embedding-map").ScrollIntoViewIfNeededAsync();
        await Browser.ScreenshotAsync(_page, "06-embedding-map", fullPage: false);
        // The same points in the engine's PCA projection, one click away.
        await _page.Locator(".map-view-picker").GetByText("PCA").ClickAsync();
        await Expect(_page.Locator(".embedding-map .map-caption")).ToContainTextAsync("PCA (axes explain");
        await Expect(_page.Locator(".embedding-map .js-plotly-plot")).ToBeVisibleAsync();
        await Browser.ScreenshotAsync(_page, "06-embedding-map-pca", fullPage: false);
    }

    private async Task CloneItWithAnotherMargin()
    {
        await _page.Locator(".mud-tab:has-text('Training')").ClickAsync();
        await _page.Locator(".run-clone").ClickAsync();
        await Expect(_page).ToHaveURLAsync(new Regex(@"runs/new\?clone=1$"));
        await Expect(_page.Locator("input[data-field='name']")).ToHaveValueAsync("e2e-first-clone");
        await Expect(_page.Locator("input[data-field='training.epochs']")).ToHaveValueAsync("2");
        await Fill("loss.margin", "0.1");
        await Expect(_page.Locator(".config-json")).ToContainTextAsync("\"margin\": 0.1");
        await _page.Locator(".queue-button").ClickAsync();
        await Expect(_page).ToHaveURLAsync(new Regex(@"runs/2$"));
        await Expect(Status()).ToHaveAttributeAsync("data-status", "running", new() { Timeout = (float)RunTimeout.TotalMilliseconds });

        // The runs table while it trains: a live progress bar with its ETA.
        await _page.GotoAsync(_lab.BaseUrl + "runs");
        var running = _page.Locator("tr.run-row[data-run-id='2']");
        await Expect(running.Locator(".progress-cell")).ToContainTextAsync("ETA", new() { Timeout = 60_000 });
        await Browser.ScreenshotAsync(_page, "01-runs-live");

        await _page.GotoAsync(_lab.BaseUrl + "runs/2");
        await Expect(Status()).ToHaveAttributeAsync("data-status", "completed", new() { Timeout = (float)RunTimeout.TotalMilliseconds });
    }

    private async Task CompareTheTwoRuns()
    {
        await _page.GotoAsync(_lab.BaseUrl + "runs");
        await Expect(_page.Locator("tr.run-row[data-status='completed']")).ToHaveCountAsync(2);
        await Expect(_page.Locator("tr.run-row[data-run-id='1'] .map-best")).Not.ToHaveTextAsync("–");
        await Browser.ScreenshotAsync(_page, "01-runs");

        await _page.Locator("tr.run-row[data-run-id='1'] .select-run input").CheckAsync();
        await _page.Locator("tr.run-row[data-run-id='2'] .select-run input").CheckAsync();
        await _page.Locator(".compare-button").ClickAsync();
        await Expect(_page).ToHaveURLAsync(new Regex(@"compare\?runs=1,2$"));
        await Expect(_page.Locator(".final-metrics tbody tr")).ToHaveCountAsync(2);
        Assert.True(await _page.Locator(".final-metrics .best-value").CountAsync() > 0);
        var fields = await _page.Locator(".config-row").EvaluateAllAsync<string[]>("rows => rows.map(r => r.dataset.field)");
        Assert.Equal(["name", "loss.margin"], fields);
        await _page.WaitForFunctionAsync("() => [...document.querySelectorAll('.js-plotly-plot')].length >= 3");
        await Browser.ScreenshotAsync(_page, "07-compare");
    }

    private async Task GradeAndExport()
    {
        await _page.GotoAsync(_lab.BaseUrl + "runs/1/grade");
        await Expect(_page.Locator(".ranked-row")).ToHaveCountAsync(10);
        await Expect(_page.Locator(".run-stop")).ToHaveCountAsync(0);
        await _page.WaitForFunctionAsync("() => [...document.querySelectorAll('.ranked-grid img')].every(i => i.complete && i.naturalWidth === 28)");
        await Browser.ScreenshotAsync(_page, "08-grade");

        var zipDownload = await _page.RunAndWaitForDownloadAsync(() => _page.Locator(".run-export").ClickAsync());
        string zipPath = Path.Combine(_data, "run-1.zip");
        await zipDownload.SaveAsAsync(zipPath);
        using (var zip = ZipFile.OpenRead(zipPath))
        {
            using var reader = new StreamReader(zip.GetEntry("config.json")!.Open());
            Assert.Equal("e2e-first", ConfigJson.ParseUnvalidated(reader.ReadToEnd()).Name);
            Assert.NotNull(zip.GetEntry("eval.json"));
            Assert.NotNull(zip.GetEntry("metrics-steps.csv"));
        }

        await _page.GotoAsync(_lab.BaseUrl + "runs");
        var csvDownload = await _page.RunAndWaitForDownloadAsync(() => _page.Locator(".export-csv").ClickAsync());
        string csvPath = Path.Combine(_data, "runs.csv");
        await csvDownload.SaveAsAsync(csvPath);
        var lines = File.ReadAllLines(csvPath);
        Assert.Equal(3, lines.Length); // header and one line per run
        Assert.Contains(lines, l => l.Contains("e2e-first-clone", StringComparison.Ordinal));
    }

    private Task Fill(string field, string value) => _page.Locator($"input[data-field='{field}']").FillAsync(value);

    private ILocator Control(string field) => _page.Locator($".mud-input-control:has(input[data-field='{field}'])");

    private ILocator Status() => _page.Locator(".run-header .status-chip");

    /// <summary>Points Plotly holds in the browser for the loss chart (its longest trace).</summary>
    private Task<int> LossPoints() => _page.EvaluateAsync<int>(
        "() => { const d = document.querySelector(\".chart-box[data-chart^='Loss'] .js-plotly-plot\"); return d && d.data ? Math.max(0, ...d.data.map(t => t.x.length)) : 0; }");

    private async Task<int> WaitForPoints(Func<int, bool> condition)
    {
        var deadline = DateTime.UtcNow + RunTimeout;
        while (DateTime.UtcNow < deadline)
        {
            int points = await LossPoints();
            if (condition(points)) return points;
            await Task.Delay(200);
        }
        throw new TimeoutException($"the loss chart never reached the expected points (has {await LossPoints()})");
    }

    public async Task DisposeAsync()
    {
        await _browser.DisposeAsync();
        _playwright.Dispose();
        _lab.Dispose();
        try { Directory.Delete(_data, recursive: true); }
        catch (IOException) { /* cleaned with the temp folder */ }
    }
}
