using Microsoft.Playwright;

namespace SbirLab.Web.Tests.EndToEnd;

/// <summary>Chromium from the system (never downloaded), headless, driven by Playwright.</summary>
public static class Browser
{
    public const string ChromiumPath = "/usr/bin/chromium";

    public static readonly string[] Arguments =
        ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run"];

    public static async Task<(IPlaywright Playwright, IBrowser Browser)> LaunchAsync()
    {
        if (!File.Exists(ChromiumPath)) throw new FileNotFoundException("the browser tests need Chromium (apt-get install -y chromium)", ChromiumPath);
        var playwright = await Playwright.CreateAsync();
        var browser = await playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions { ExecutablePath = ChromiumPath, Args = Arguments, Headless = true });
        return (playwright, browser);
    }

    /// <summary>Where screenshots go: bin/.../screenshots, and also $SBIRLAB_SCREENSHOTS when set.</summary>
    public static async Task ScreenshotAsync(IPage page, string name, bool fullPage = true)
    {
        var options = new PageScreenshotOptions { FullPage = fullPage };
        if (fullPage) await page.EvaluateAsync("() => window.scrollTo(0, 0)"); // the fixed app bar stays at the top of a full-page picture
        foreach (var folder in ScreenshotFolders())
        {
            Directory.CreateDirectory(folder);
            options.Path = Path.Combine(folder, name + ".png");
            await page.ScreenshotAsync(options);
        }
    }

    private static IEnumerable<string> ScreenshotFolders()
    {
        yield return Path.Combine(AppContext.BaseDirectory, "screenshots");
        if (Environment.GetEnvironmentVariable("SBIRLAB_SCREENSHOTS") is { Length: > 0 } extra) yield return extra;
    }
}
