using System.Net;
using System.Text.RegularExpressions;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace SbirLab.Web.Tests.EndToEnd;

/// <summary>
/// The compare page's Report action in real Chromium against the lab's own process: two recorded runs with an
/// evaluation, compare them, press Report, and the browser downloads the assignment report of exactly those runs;
/// opened from disk, its outline's sections take the team's text and "Save edited copy" keeps it.
/// </summary>
public sealed class ReportBrowserTests : IAsyncLifetime
{
    private readonly TestLab _seed = new();
    private long _a, _b;
    private LabServer _lab = null!;
    private IPlaywright _playwright = null!;
    private IBrowser _browser = null!;
    private IBrowserContext _context = null!;
    private IPage _page = null!;

    public async Task InitializeAsync()
    {
        _a = _seed.CompletedRun(_seed.Triplet("name=margin-small", "loss.margin=0.1"), [0.40, 0.55], TestLab.Evaluation());
        _b = _seed.CompletedRun(_seed.Triplet("name=margin-large", "loss.margin=0.4"), [0.35, 0.60], TestLab.Evaluation(perClass: 5));
        _lab = await LabServer.StartAsync(_seed.Folder, "--worker", "false");
        (_playwright, _browser) = await Browser.LaunchAsync();
        _context = await _browser.NewContextAsync(new BrowserNewContextOptions { AcceptDownloads = true, ViewportSize = new ViewportSize { Width = 1400, Height = 900 } });
        _page = await _context.NewPageAsync();
        _page.SetDefaultTimeout(30_000);
        SetDefaultExpectTimeout(30_000);
        await SignIn.InBrowserAsync(_page, _lab.BaseUrl, "admin", SignIn.AdminPassword(_seed.Folder));
    }

    [Fact]
    public async Task Report_on_the_compare_page_downloads_the_report_of_the_compared_runs_whose_sections_take_the_teams_text()
    {
        try
        {
            await _page.GotoAsync($"{_lab.BaseUrl}compare?runs={_a},{_b}");
            await Expect(_page.Locator(".final-metrics tbody tr")).ToHaveCountAsync(2);
            var download = await _page.RunAndWaitForDownloadAsync(() => _page.Locator(".report-button").ClickAsync());
            Assert.Equal($"sbirlab-report-{_a}-{_b}.html", download.SuggestedFilename);
            string path = Path.Combine(_seed.Folder, download.SuggestedFilename);
            await download.SaveAsAsync(path);
            string html = await File.ReadAllTextAsync(path);
            Assert.Contains($"#{_a} margin-small", html, StringComparison.Ordinal);
            Assert.Contains($"#{_b} margin-large", html, StringComparison.Ordinal);
            Assert.Matches(new Regex("<tr data-field=\"loss.margin\">.*?0\\.1</td><td class=\"mono\">0\\.4</td></tr>"), html);

            var report = await _context.NewPageAsync();
            await report.GotoAsync(new Uri(path).AbsoluteUri);
            await Expect(report.Locator(".section-text[contenteditable='true']")).ToHaveCountAsync(5);
            await Expect(report.Locator("table.metrics tr[data-metric='map'] td.best")).ToHaveCountAsync(1);
            await report.Locator(".section-text[data-section='abstract']").FillAsync("We trained two margins.");
            var edited = await report.RunAndWaitForDownloadAsync(() => report.GetByText("Save edited copy").ClickAsync());
            string copy = Path.Combine(_seed.Folder, "edited.html");
            await edited.SaveAsAsync(copy);
            string saved = await File.ReadAllTextAsync(copy);
            Assert.Contains("We trained two margins.", saved, StringComparison.Ordinal);
            Assert.DoesNotContain("Abstract: to be written by the team.", saved, StringComparison.Ordinal); // the placeholder went at the first click
            Assert.Contains("Introduction: to be written by the team.", saved, StringComparison.Ordinal);

            using var signedIn = await SignIn.ClientAsync(new Uri(_lab.BaseUrl), "admin", SignIn.AdminPassword(_seed.Folder));
            var pdf = await signedIn.GetAsync($"api/report.pdf?runs={_a},{_b}");
            Assert.Equal(HttpStatusCode.OK, pdf.StatusCode);
            Assert.Equal("application/pdf", pdf.Content.Headers.ContentType?.MediaType);
            Assert.Equal("%PDF-"u8.ToArray(), (await pdf.Content.ReadAsByteArrayAsync())[..5]);
            Assert.Equal(HttpStatusCode.NotFound, (await signedIn.GetAsync($"api/report.html?runs={_a},999")).StatusCode);
            Assert.Equal(HttpStatusCode.BadRequest, (await signedIn.GetAsync("api/report.html?runs=")).StatusCode);
            using var visitor = await SignIn.ClientAsync(new Uri(_lab.BaseUrl));
            Assert.Equal(HttpStatusCode.Unauthorized, (await visitor.GetAsync($"api/report.html?runs={_a}")).StatusCode);
        }
        catch (Exception e)
        {
            await Browser.ScreenshotAsync(_page, "failure-report");
            throw new InvalidOperationException($"{e.Message}\n--- lab output ---\n{_lab.Output}", e);
        }
    }

    public async Task DisposeAsync()
    {
        await _context.DisposeAsync();
        await _browser.DisposeAsync();
        _playwright.Dispose();
        _lab.Dispose();
        _seed.Dispose();
    }
}
