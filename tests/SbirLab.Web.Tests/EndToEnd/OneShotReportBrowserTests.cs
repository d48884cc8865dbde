using Microsoft.Playwright;
using SbirLab.Core.Configs;
using SbirLab.Core.Runs;
using SbirLab.Engine.Training;
using SbirLab.Runs;
using SbirLab.Store;
using SbirLab.Web.Tests.Services;
using static Microsoft.Playwright.Assertions;

namespace SbirLab.Web.Tests.EndToEnd;

/// <summary>
/// A pair run (seed 001's Koch one-shot template, trained briefly for real) shown on its run page in Chromium: the
/// one-shot accuracies with their intervals, the verification figures and ROC, the episodes with the chosen support
/// framed green or red, and no mAP. Screenshot: koch-one-shot-report.
/// </summary>
public sealed class OneShotReportBrowserTests : IAsyncLifetime
{
    private static readonly string[] Overrides =
    [
        "optimizer.name=adam", "optimizer.learningRate=0.0005", "optimizer.momentum=0", "batch.size=32",
        "training.epochs=2", "training.maxStepsPerEpoch=30", "data.trainLimit=2000", "evaluation.perClass=60",
    ];

    private readonly string _folder = Path.Combine(Path.GetTempPath(), "sbirlab-web-tests", "one-shot-" + Guid.NewGuid().ToString("N")[..8]);
    private LabServer? _server;
    private IPlaywright? _playwright;
    private IBrowser? _browser;
    private long _runId;

    public async Task InitializeAsync()
    {
        var data = new DataFolder(_folder).Create();
        using (var store = RunStore.Open(data))
        using (var service = new RunService(store))
        {
            var config = ConfigJson.Load(Path.Combine(RepoPaths.Root, "experiments", "seed-001", "koch-one-shot.json"), Overrides);
            var (runId, outcome) = service.RunInForeground(config, new EngineRunExecutor());
            if (outcome.Status != RunStatus.Completed) throw new InvalidOperationException("the pair run did not complete: " + outcome.Message);
            _runId = runId;
        }
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        _server = await LabServer.StartAsync(_folder, "--worker", "false");
        (_playwright, _browser) = await Browser.LaunchAsync();
    }

    [Fact]
    public async Task The_run_page_shows_the_one_shot_report_of_a_pair_run()
    {
        await using var context = await _browser!.NewContextAsync(new BrowserNewContextOptions { ViewportSize = new ViewportSize { Width = 1400, Height = 900 } });
        var page = await context.NewPageAsync();
        page.SetDefaultTimeout(30_000);
        await SignIn.InBrowserAsync(page, _server!.BaseUrl, "admin", SignIn.AdminPassword(_folder));
        await page.GotoAsync(new Uri(new Uri(_server.BaseUrl), $"runs/{_runId}?tab=1").ToString());
        try
        {
            await Shows(page);
        }
        catch (PlaywrightException e)
        {
            await Browser.ScreenshotAsync(page, "failure-koch-one-shot-report");
            throw new InvalidOperationException(e.Message + "\nlab output:\n" + _server.Output, e);
        }
    }

    private static async Task Shows(IPage page)
    {
        // The first page of a fresh lab process on a loaded machine can take a while to start its circuit.
        await Expect(page.Locator(".one-shot-report")).ToBeVisibleAsync(new() { Timeout = 90_000 });
        await Expect(page.Locator(".one-shot-figure")).ToHaveCountAsync(3); // 2-, 4- and 5-way
        await Expect(page.Locator(".one-shot-figure[data-ways='5'] .interval")).ToContainTextAsync("95 %");
        await Expect(page.Locator(".one-shot-table tbody tr")).ToHaveCountAsync(2); // pair head and nearest neighbour
        await Expect(page.Locator(".figure-map")).ToHaveCountAsync(0);
        var episodes = page.Locator(".one-shot-episodes .episode");
        await Expect(episodes).ToHaveCountAsync(8);
        for (int i = 0; i < 8; i++)
            await Expect(episodes.Nth(i).Locator(".thumb.chosen")).ToHaveCountAsync(1);
        // The thumbnails are served: every episode image decodes in the browser.
        await page.WaitForFunctionAsync("() => [...document.querySelectorAll('.one-shot-episodes img')].every(i => i.complete && i.naturalWidth > 0)");
        await Expect(page.Locator(".chart-box[data-chart='Verification of held-out pairs: ROC'] .js-plotly-plot").First).ToBeVisibleAsync(new() { Timeout = 60_000 });
        await Expect(page.Locator(".engine-pictures")).ToContainTextAsync("one-shot-episodes.png");
        await Browser.ScreenshotAsync(page, "koch-one-shot-report");
    }

    public async Task DisposeAsync()
    {
        if (_browser is not null) await _browser.CloseAsync();
        _playwright?.Dispose();
        _server?.Dispose();
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        try { Directory.Delete(_folder, recursive: true); }
        catch (IOException) { /* cleaned later */ }
    }
}
