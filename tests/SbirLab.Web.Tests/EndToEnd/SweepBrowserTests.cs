using System.Text.RegularExpressions;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace SbirLab.Web.Tests.EndToEnd;

/// <summary>
/// A sweep in real Chromium against the lab's own process and in-process worker: "sweep this field" on the
/// new-run form, three tiny FashionMNIST points trained for real, then the sweep page with Plotly's parallel
/// coordinates, the metric against the parameter, the best point marked, and "compare the top". Screenshot
/// <c>09-sweep.png</c> in bin/.../screenshots (and $SBIRLAB_SCREENSHOTS).
/// </summary>
public sealed class SweepBrowserTests : IAsyncLifetime
{
    private static readonly TimeSpan SweepTimeout = TimeSpan.FromMinutes(5);
    private readonly string _data = Path.Combine(Path.GetTempPath(), "sbirlab-e2e", Guid.NewGuid().ToString("N"));
    private LabServer _lab = null!;
    private IPlaywright _playwright = null!;
    private IBrowser _browser = null!;
    private IPage _page = null!;

    public async Task InitializeAsync()
    {
        _lab = await LabServer.StartAsync(_data);
        (_playwright, _browser) = await Browser.LaunchAsync();
        _page = await _browser.NewPageAsync(new BrowserNewPageOptions { ViewportSize = new ViewportSize { Width = 1500, Height = 1000 } });
        _page.SetDefaultTimeout(30_000);
        SetDefaultExpectTimeout(30_000);
        await SignIn.InBrowserAsync(_page, _lab.BaseUrl, "admin", SignIn.AdminPassword(_data));
    }

    [Fact]
    public async Task A_sweep_started_from_the_form_trains_its_points_and_its_page_draws_them()
    {
        try
        {
            await _page.GotoAsync(_lab.BaseUrl + "runs/new?template=fashion-mnist/triplet");
            foreach (var (field, value) in new[] { ("training.epochs", "1"), ("training.maxStepsPerEpoch", "5"), ("data.trainLimit", "500"), ("evaluation.perClass", "10"), ("evaluation.queries", "20"), ("name", "e2e-sweep") })
                await _page.Locator($"input[data-field='{field}']").FillAsync(value);
            await Expect(_page.Locator(".config-json")).ToContainTextAsync("\"name\": \"e2e-sweep\"");

            await _page.Locator("button[data-sweep-field='loss.margin']").ClickAsync();
            await Expect(_page.Locator(".sweep-axis[data-axis='loss.margin']")).ToBeVisibleAsync();
            await _page.Locator("input[data-sweep='budget']").FillAsync("3");
            await Expect(_page.Locator(".queue-sweep")).ToContainTextAsync("Queue sweep (3 runs)");
            await _page.Locator(".queue-sweep").ClickAsync();

            await Expect(_page).ToHaveURLAsync(new Regex(@"sweeps/1$"));
            await Expect(_page.Locator(".sweep-table tbody tr")).ToHaveCountAsync(3);
            await Expect(_page.Locator(".sweep-table .status-chip[data-status='completed']")).ToHaveCountAsync(3, new() { Timeout = (float)SweepTimeout.TotalMilliseconds });

            await Expect(_page.Locator("[data-chart='parallel-coordinates']")).ToHaveAttributeAsync("data-points", "3");
            // Plotly drew the parallel coordinates: one polyline per point, on two axes (margin and mAP).
            await _page.WaitForFunctionAsync("() => { const d = document.querySelector('.sweep-parcoords .js-plotly-plot'); return d && d.data && d.data[0].type === 'parcoords' && d.data[0].dimensions.length === 2 && d.data[0].dimensions[1].values.length === 3 && d.querySelectorAll('.parcoords .y-axis').length === 2; }");
            await _page.WaitForFunctionAsync("() => { const d = document.querySelector('.sweep-scatter .js-plotly-plot'); return d && d.data && d.data.length === 2 && d.data[1].marker.symbol === 'star'; }");
            await Expect(_page.Locator(".sweep-table tr.sweep-best")).ToHaveCountAsync(1);
            await Expect(_page.Locator(".best-point")).ToContainTextAsync("loss.margin = ");
            await Browser.ScreenshotAsync(_page, "09-sweep");

            await _page.Locator(".compare-top").ClickAsync();
            await Expect(_page).ToHaveURLAsync(new Regex(@"compare\?runs=\d+,\d+,\d+$"));
            await Expect(_page.Locator(".final-metrics tbody tr")).ToHaveCountAsync(3);
        }
        catch (Exception e)
        {
            await Browser.ScreenshotAsync(_page, "failure-sweep");
            throw new InvalidOperationException($"{e.Message}\n--- lab output ---\n{_lab.Output}", e);
        }
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
