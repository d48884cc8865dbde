using System.Text.Json;
using Microsoft.Playwright;
using SbirLab.Core.Configs;
using SbirLab.Core.Curves;
using SbirLab.Core.Runs;
using SbirLab.Store;
using SbirLab.Store.Entities;
using SbirLab.Web.Services;
using static Microsoft.Playwright.Assertions;

namespace SbirLab.Web.Tests.EndToEnd;

/// <summary>
/// Charts that stay fast, in Chromium against the lab's own process: a run of 50,000 logged steps draws its loss
/// down-sampled (about two points a pixel, its one-step spike kept), a zoom on 400 steps refines to every step of
/// them (read from the data the chart holds), the runs table pages through 31 runs in the store's pages, and a
/// compare of more than <see cref="CompareLoader.RawCurvesUpTo"/> runs draws one smoothed trace per run with
/// the chart's own legend, whose entries hide and show a run across zooms.
/// </summary>
public sealed class ChartsAtScaleBrowserTests : IAsyncLifetime
{
    private const int Steps = 50_000;
    private const int SpikeStep = 31_337;

    private readonly string _folder = Path.Combine(Path.GetTempPath(), "sbirlab-web-tests", "charts-" + Guid.NewGuid().ToString("N")[..8]);
    private LabServer? _server;
    private IPlaywright? _playwright;
    private IBrowser? _browser;
    private long _longRun;

    public async Task InitializeAsync()
    {
        using (var store = RunStore.Open(new DataFolder(_folder)))
        {
            for (int i = 0; i < 30; i++) Completed(store, $"short-{i}", 10);
            _longRun = Completed(store, "fifty-thousand-steps", Steps);
        }
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        _server = await LabServer.StartAsync(_folder, "--worker", "false");
        (_playwright, _browser) = await Browser.LaunchAsync();
    }

    /// <summary>A completed run as a worker records it (claimed, started, metrics through the batch writer): a falling loss with a spike.</summary>
    private static long Completed(RunStore store, string name, int steps)
    {
        long id = store.Queue(new RunConfig { Name = name, Seed = 1 });
        var claimed = store.ClaimNext(WorkerIdentity.Current) ?? throw new InvalidOperationException("nothing to claim");
        store.MarkStarted(claimed.Id, new RunStart("cpu", 0, 0, 1, steps, steps, 100, "synthetic"));
        for (int step = 0; step < steps; step++)
        {
            double loss = step == SpikeStep ? 5 : Math.Exp(-step / 10_000.0) + 0.05 * Math.Sin(step / 7.0);
            store.Writer.AddMetric(id, MetricKind.Step, step, 0, "loss", loss);
        }
        store.Writer.AddMetric(id, MetricKind.Epoch, steps, 0, "map", 0.5);
        store.Writer.Flush();
        store.Finish(id, RunStatus.Completed, "completed", new RunOutcome(RunStatus.Completed, "completed", steps, 1, null));
        return id;
    }

    [Fact]
    public async Task A_long_run_draws_down_sampled_refines_on_zoom_and_the_runs_table_pages()
    {
        await using var context = await _browser!.NewContextAsync(new BrowserNewContextOptions { ViewportSize = new ViewportSize { Width = 1400, Height = 900 } });
        var page = await context.NewPageAsync();
        page.SetDefaultTimeout(60_000);
        try
        {
            await SignIn.InBrowserAsync(page, _server!.BaseUrl, "admin", SignIn.AdminPassword(_folder));
            await RunsTablePages(page);
            await ChartRefinesOnZoom(page);
            await CompareOfManyRuns(page);
        }
        catch (Exception e) when (e is PlaywrightException or TimeoutException or Xunit.Sdk.XunitException)
        {
            await Browser.ScreenshotAsync(page, "failure-charts-at-scale");
            throw new InvalidOperationException(e.Message + "\nlab output:\n" + _server!.Output, e);
        }
    }

    private async Task RunsTablePages(IPage page)
    {
        await page.GotoAsync(_server!.BaseUrl + "runs");
        await Expect(page.Locator("tr.run-row")).ToHaveCountAsync(25, new() { Timeout = 90_000 });
        await Expect(page.Locator(".runs-range")).ToHaveTextAsync("1–25 of 31");
        await Expect(page.Locator("tr.run-row").First).ToHaveAttributeAsync("data-run-id", _longRun.ToString(System.Globalization.CultureInfo.InvariantCulture));
        await page.Locator(".runs-pages button[aria-label='Next page']").ClickAsync();
        await Expect(page.Locator("tr.run-row")).ToHaveCountAsync(6);
        await Expect(page.Locator(".runs-range")).ToHaveTextAsync("26–31 of 31");
        await Expect(page.Locator("tr.run-row").Last).ToHaveAttributeAsync("data-run-id", "1");
    }

    private async Task ChartRefinesOnZoom(IPage page)
    {
        await page.GotoAsync(_server!.BaseUrl + $"runs/{_longRun}");
        var chart = page.Locator(".chart-box[data-chart^='Loss'] div[id^='chart-']");
        await Expect(chart).ToHaveAttributeAsync("data-refined", "0", new() { Timeout = 90_000 });

        var whole = await Traces(chart);
        var raw = whole[0]; // the faint raw curve, then its smoothed curve
        Assert.InRange(raw.X.Length, CurveWindow.DefaultWidth / 2, 2 * CurveWindow.DefaultWidth + 2); // ~2 points a pixel of the default width, not 50,000
        Assert.Equal((0.0, Steps - 1.0), (raw.X[0], raw.X[^1]));
        Assert.Equal(SpikeStep, raw.X[Array.IndexOf(raw.Y, raw.Y.Max())]); // the one-step spike survives
        Assert.Equal(5, raw.Y.Max());
        int before = raw.X.Count(x => x is >= 30_000 and <= 30_400);
        Assert.InRange(before, 1, 40);

        // A zoom as the mouse does it: Plotly's relayout with a new x-range, reported to the lab, answered at full resolution.
        await chart.EvaluateAsync("e => Plotly.relayout(e, { 'xaxis.range': [30000, 30400] })");
        await Expect(chart).ToHaveAttributeAsync("data-refined", "1");
        var zoomed = await Traces(chart);
        Assert.Equal(Enumerable.Range(30_000, 401).Select(s => (double)s), zoomed[0].X.Where(x => x is >= 30_000 and <= 30_400));
        Assert.Equal(29_999, zoomed[0].X[0]); // the neighbours carry the line to the edges
        Assert.Equal(30_401, zoomed[0].X[^1]);
        Assert.Equal(401, zoomed[1].X.Count(x => x is >= 30_000 and <= 30_400)); // the smoothed curve too
        await Browser.ScreenshotAsync(page, "run-50000-steps-zoomed", fullPage: false);

        // Back to the whole run (a double click): down-sampled again.
        await chart.EvaluateAsync("e => Plotly.relayout(e, { 'xaxis.autorange': true })");
        await Expect(chart).ToHaveAttributeAsync("data-refined", "2");
        Assert.InRange((await Traces(chart))[0].X.Length, CurveWindow.DefaultWidth / 2, 2 * CurveWindow.DefaultWidth + 2);
        await Browser.ScreenshotAsync(page, "run-50000-steps", fullPage: false);
    }

    private async Task CompareOfManyRuns(IPage page)
    {
        int runs = CompareLoader.RawCurvesUpTo + 1; // the short runs, ids 1 to 11, ten steps each
        await page.GotoAsync(_server!.BaseUrl + "compare?metric=step:loss&runs=" + string.Join(',', Enumerable.Range(1, runs)));
        var box = page.Locator(".chart-box[data-chart$='(per step)']");
        var chart = box.Locator("div[id^='chart-']");
        await Expect(chart).ToHaveAttributeAsync("data-refined", "0", new() { Timeout = 90_000 });
        Assert.Equal(runs, await chart.EvaluateAsync<int>("e => e.data.length")); // smoothed curves only
        Assert.False(await chart.EvaluateAsync<bool>("e => e._fullLayout.showlegend")); // the legend is the chart's own
        await Expect(box.Locator(".chart-note")).ToContainTextAsync($"Raw curves hidden above {CompareLoader.RawCurvesUpTo} runs");
        var entries = box.Locator(".chart-legend-entry");
        await Expect(entries).ToHaveCountAsync(runs);
        await Expect(entries.First).ToHaveTextAsync("#1 short-0");

        // A click hides the run's trace; a zoom's refined traces keep it hidden; a second click shows it again.
        await entries.First.ClickAsync();
        await Expect(entries.First).ToHaveClassAsync(new System.Text.RegularExpressions.Regex("hidden"));
        await page.WaitForFunctionAsync("e => e.data[0].visible === 'legendonly'", await chart.ElementHandleAsync());
        await chart.EvaluateAsync("e => Plotly.relayout(e, { 'xaxis.range': [2, 6] })");
        await Expect(chart).ToHaveAttributeAsync("data-refined", "1");
        var visible = await chart.EvaluateAsync<string[]>("e => [e.data[0].visible, e.data[1].visible === 'legendonly' ? 'hidden' : 'shown']");
        Assert.Equal(["legendonly", "shown"], visible);
        var zoomedX = await chart.EvaluateAsync<double[]>("e => Array.from(e.data[1].x)");
        Assert.Equal([1.0, 2, 3, 4, 5, 6, 7], zoomedX); // every step of the window, with its neighbours
        await Browser.ScreenshotAsync(page, "compare-11-runs-one-hidden", fullPage: false);
        await entries.First.ClickAsync();
        await page.WaitForFunctionAsync("e => e.data[0].visible === true", await chart.ElementHandleAsync());
        await Expect(entries.First).Not.ToHaveClassAsync(new System.Text.RegularExpressions.Regex("hidden"));
    }

    /// <summary>The traces the chart holds in the browser (what Plotly draws), as x and y arrays.</summary>
    private static async Task<(double[] X, double[] Y)[]> Traces(ILocator chart)
    {
        string json = await chart.EvaluateAsync<string>("e => JSON.stringify(e.data.map(t => ({ x: Array.from(t.x), y: Array.from(t.y) })))");
        using var document = JsonDocument.Parse(json);
        return [.. document.RootElement.EnumerateArray().Select(t => (
            t.GetProperty("x").EnumerateArray().Select(v => v.GetDouble()).ToArray(),
            t.GetProperty("y").EnumerateArray().Select(v => v.ValueKind == JsonValueKind.Null ? double.NaN : v.GetDouble()).ToArray()))];
    }

    public async Task DisposeAsync()
    {
        if (_browser is not null) await _browser.DisposeAsync();
        _playwright?.Dispose();
        _server?.Dispose();
        try { Directory.Delete(_folder, recursive: true); }
        catch (IOException) { /* the lab's files may still be closing */ }
    }
}
