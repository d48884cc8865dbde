using Microsoft.Playwright;
using SbirLab.Core.Configs;
using SbirLab.Core.Runs;
using SbirLab.Engine.Training;
using SbirLab.Runs;
using SbirLab.Store;
using SbirLab.Store.Accounts;
using SbirLab.Web.Tests.EndToEnd;
using SbirLab.Web.Tests.Services;

namespace SbirLab.Web.Tests.Search;

/// <summary>
/// The web lab (its own process, started as the end-to-end tests start it) serving a data folder that holds one
/// small trained FashionMNIST pseudo-sketch run (searchable) and one queued run (not searchable), with headless
/// Chromium for the page tests. Built once for the search tests (a collection fixture): the training is the slow part.
/// </summary>
public sealed class SearchLab : IAsyncLifetime
{
    /// <summary>
    /// The CPU twin experiments/sbir/fm-sketch-triplet.json cut down for a test: one weight-shared network (the
    /// two-branch twin needs far more steps to align the domains), 40 Adam steps, and a 1,000-photo gallery
    /// (900 test images per class held out as the query subset, 50 of them used).
    /// </summary>
    public static readonly string[] Overrides =
    [
        "model.siamese=shared", "optimizer.name=adam", "optimizer.learningRate=0.003", "optimizer.momentum=0",
        "training.epochs=1", "training.maxStepsPerEpoch=40", "data.trainLimit=4000",
        "evaluation.perClass=900", "evaluation.queries=50", "evaluation.mapPoints=0",
    ];

    private LabServer? _server;
    private IPlaywright? _playwright;

    public string Folder { get; } = Path.Combine(Path.GetTempPath(), "sbirlab-web-tests", "search-" + Guid.NewGuid().ToString("N")[..8]);
    public long RunId { get; private set; }
    public long QueuedRunId { get; private set; }
    public Uri BaseUrl { get; private set; } = new("http://127.0.0.1/");
    public HttpClient Http { get; private set; } = new();
    public IBrowser Browser { get; private set; } = default!;

    public async Task InitializeAsync()
    {
        var data = new DataFolder(Folder).Create();
        using (var store = RunStore.Open(data))
        using (var service = new RunService(store))
        {
            var config = ConfigJson.Load(Path.Combine(RepoPaths.Root, "experiments", "sbir", "fm-sketch-triplet.json"), Overrides);
            var (runId, outcome) = service.RunInForeground(config, new EngineRunExecutor());
            if (outcome.Status != RunStatus.Completed) throw new InvalidOperationException("the test run did not complete: " + outcome.Message);
            RunId = runId;
            QueuedRunId = service.Queue(Caller.DataFolderOwner, config, name: "waiting");
        }
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();

        _server = await LabServer.StartAsync(Folder, "--worker", "false", "--public-search-burst", "40");
        BaseUrl = new Uri(_server.BaseUrl);
        Http = await SignIn.ClientAsync(BaseUrl, "admin", AdminPassword);
        (_playwright, Browser) = await EndToEnd.Browser.LaunchAsync();
    }

    /// <summary>The password of the lab's first admin (the lab wrote it to the data folder at its first start).</summary>
    public string AdminPassword => SignIn.AdminPassword(Folder);

    /// <summary>A fresh browser page at <paramref name="path"/> with a 1400×900 viewport, signed in as the admin.</summary>
    public async Task<IPage> OpenAsync(string path)
    {
        var context = await SignedInContextAsync(new BrowserNewContextOptions { ViewportSize = new ViewportSize { Width = 1400, Height = 900 } });
        var page = await context.NewPageAsync();
        page.SetDefaultTimeout(30_000);
        await page.GotoAsync(new Uri(BaseUrl, path).ToString());
        return page;
    }

    /// <summary>A browser context (its own cookies) signed in as the admin.</summary>
    public async Task<IBrowserContext> SignedInContextAsync(BrowserNewContextOptions options)
    {
        var context = await Browser.NewContextAsync(options);
        var page = await context.NewPageAsync();
        await SignIn.InBrowserAsync(page, BaseUrl.ToString(), "admin", AdminPassword);
        await page.CloseAsync();
        return context;
    }

    /// <summary>What the lab printed (for failure messages).</summary>
    public string ServerOutput => _server?.Output ?? "";

    public async Task DisposeAsync()
    {
        if (Browser is not null) await Browser.CloseAsync();
        _playwright?.Dispose();
        Http.Dispose();
        _server?.Dispose();
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        try { Directory.Delete(Folder, recursive: true); }
        catch (IOException) { /* the temp folder is cleaned later */ }
    }
}

[CollectionDefinition(Name)]
public sealed class SearchLabCollection : ICollectionFixture<SearchLab>
{
    public const string Name = "search lab";
}
