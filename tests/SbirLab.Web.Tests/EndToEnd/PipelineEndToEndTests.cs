using System.Text.RegularExpressions;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace SbirLab.Web.Tests.EndToEnd;

/// <summary>
/// A run chain from the browser: seed 000's shape in miniature (pretrain on sketches, pretrain on photos, the
/// two-branch network from both) picked as a template, queued with one button, its last run waiting for the
/// other two, then the whole chain trained by the lab's worker, the run pages linking parents and children.
/// </summary>
public sealed class PipelineEndToEndTests : IAsyncLifetime
{
    private static readonly TimeSpan ChainTimeout = TimeSpan.FromMinutes(10);
    private readonly string _data = Path.Combine(Path.GetTempPath(), "sbirlab-e2e", Guid.NewGuid().ToString("N"));
    private LabServer _lab = null!;
    private IPlaywright _playwright = null!;
    private IBrowser _browser = null!;
    private IPage _page = null!;

    private const string Tiny = """
        "training": { "epochs": 1, "maxStepsPerEpoch": 4, "evaluateEvery": 0 },
        "evaluation": { "perClass": 5, "queries": 20, "precisionAtK": [1, 5], "exampleTopK": 5 },
        "batch": { "sampler": "shuffle", "size": 50 },
        "model": { "backbone": "convnet", "embeddingHead": true, "hiddenDim": 64, "embeddingDim": 32, "inputChannels": 1, "imageSize": 28 },
        "loss": { "embedding": "none", "crossEntropyWeight": 1.0 },
        """;

    private static string Chain() => $$"""
        {
          "name": "tiny-seed-000",
          "description": "pretrain per domain, then the two-branch network",
          "runs": [
            { "name": "tiny-sketch", "description": "CE on sketches alone", {{Tiny}} "data": { "dataset": "fashion-mnist-sketch", "trainLimit": 400, "domain": "sketch" } },
            { "name": "tiny-photo", "description": "CE on photos alone", {{Tiny}} "data": { "dataset": "fashion-mnist-sketch", "trainLimit": 400, "domain": "photo" } },
            { "name": "tiny-siamese", "description": "two branches from both",
              "model": { "backbone": "convnet", "siamese": "two-branch", "embeddingHead": true, "hiddenDim": 64, "embeddingDim": 32, "inputChannels": 1, "imageSize": 28,
                         "pretrainedSketch": "tiny-sketch", "pretrainedPhoto": "tiny-photo" },
              "loss": { "embedding": "triplet", "embeddingWeight": 0.4, "crossEntropyWeight": 0.6, "margin": 0.2, "miner": "all" },
              "batch": { "sampler": "pk", "classes": 5, "items": 4, "imagesPerItem": 2 },
              "training": { "epochs": 1, "maxStepsPerEpoch": 4, "evaluateEvery": 1 },
              "evaluation": { "perClass": 5, "queries": 20, "precisionAtK": [1, 5], "exampleTopK": 5 },
              "data": { "dataset": "fashion-mnist-sketch", "trainLimit": 400 } }
          ]
        }
        """;

    public async Task InitializeAsync()
    {
        string templates = Path.Combine(_data, "..", Path.GetFileName(_data) + "-templates");
        Directory.CreateDirectory(Path.Combine(templates, "tiny"));
        File.WriteAllText(Path.Combine(templates, "tiny", "chain.json"), Chain());
        _lab = await LabServer.StartAsync(_data, "--templates", templates);
        (_playwright, _browser) = await Browser.LaunchAsync();
        _page = await _browser.NewPageAsync(new BrowserNewPageOptions { ViewportSize = new ViewportSize { Width = 1500, Height = 1000 } });
        _page.SetDefaultTimeout(30_000);
        SetDefaultExpectTimeout(30_000);
        await SignIn.InBrowserAsync(_page, _lab.BaseUrl, "admin", SignIn.AdminPassword(_data));
    }

    [Fact]
    public async Task A_pipeline_queued_from_the_browser_waits_for_its_inputs_then_trains_in_order()
    {
        try
        {
            await _page.GotoAsync(_lab.BaseUrl + "runs/new?template=tiny/chain");
            await Expect(_page.Locator(".pipeline-run")).ToHaveCountAsync(3);
            await Expect(_page.Locator(".pipeline-run").Nth(2)).ToContainTextAsync("model.pretrainedSketch ← run 1 (tiny-sketch)");
            await Browser.ScreenshotAsync(_page, "pipeline-new-run");

            await _page.Locator(".queue-pipeline-button").ClickAsync();
            await Expect(_page).ToHaveURLAsync(new Regex(@"runs/3$"));
            await Expect(_page.Locator(".run-parent")).ToHaveCountAsync(2);
            await Expect(_page.Locator(".run-parent").First).ToContainTextAsync("#1 (tiny-sketch)");
            await Expect(_page.Locator(".run-message")).ToContainTextAsync(new Regex(@"waiting for (#1, )?#2"));
            await Browser.ScreenshotAsync(_page, "pipeline-waiting");

            await Expect(_page.Locator(".run-header .status-chip")).ToHaveAttributeAsync("data-status", "completed", new() { Timeout = (float)ChainTimeout.TotalMilliseconds });
            await _page.ReloadAsync();
            await Expect(_page.Locator(".run-parent").First).ToContainTextAsync("(completed)");
            await Browser.ScreenshotAsync(_page, "pipeline-finished");

            await _page.GotoAsync(_lab.BaseUrl + "runs/1");
            await Expect(_page.Locator(".run-child")).ToHaveTextAsync("#3 (tiny-siamese, completed)");
            await _page.GotoAsync(_lab.BaseUrl + "runs");
            await Browser.ScreenshotAsync(_page, "pipeline-runs-table");
        }
        catch (Exception e)
        {
            await Browser.ScreenshotAsync(_page, "pipeline-failure");
            throw new InvalidOperationException($"{e.Message}\n--- lab output ---\n{_lab.Output}", e);
        }
    }

    public async Task DisposeAsync()
    {
        await _browser.DisposeAsync();
        _playwright.Dispose();
        _lab.Dispose();
        try { Directory.Delete(_data, recursive: true); }
        catch (IOException) { }
    }
}
