using System.Diagnostics;
using System.Globalization;
using Microsoft.EntityFrameworkCore;
using Microsoft.Playwright;
using SbirLab.Core.Configs;
using SbirLab.Core.Runs;
using SbirLab.Store;
using SbirLab.Store.Entities;

namespace SbirLab.Benchmarks;

/// <summary>
/// Charts that stay fast at scale. Generates a store of N runs (2,000), L of them (50) with S logged steps (100,000) of
/// loss and learning rate, written through the store's metric writer as a worker writes them; starts the lab on it
/// (its own process, no worker) and measures in Chromium: the runs page's first render (navigation to the first
/// page of rows drawn, the first visit of the lab process and later visits), a compare of the L long runs with their
/// step loss overlaid (first with the curves read from the store, then again), a zoom refined (Plotly relayout to the
/// refined traces drawn) on the compare chart and on one run's page, and the lab's resident memory before and after.
/// Figures, not a test: the goals are first render &lt; 1 s, zoom refined &lt; 300 ms, memory bounded.
/// </summary>
public static partial class ChartsBenchmark
{
    private const string Chromium = "/usr/bin/chromium";

    public static void Run(string[] args) => RunAsync(args).GetAwaiter().GetResult();

    private static async Task RunAsync(string[] args)
    {
        int runs = Arg(args, "--runs", 2000), longRuns = Arg(args, "--long", 50), steps = Arg(args, "--steps", 100_000);
        int repeats = Arg(args, "--repeats", 5);
        string data = ArgText(args, "--data", Path.Combine(Path.GetTempPath(), $"sbirlab-charts-bench-{runs}-{longRuns}-{steps}"));
        Console.WriteLine($"charts: {runs} runs, {longRuns} of them with {steps} steps (loss and lr), {Environment.ProcessorCount} CPUs, load average {LoadAverage()}");
        long[] longIds = Generate(data, runs, longRuns, steps);
        StoreQueries(data, repeats);
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();

        using var lab = await SketchSearchBenchmark.LabProcess.StartAsync(data, ZoomLogCategory);
        await Task.Delay(2000); // the lab's start-up work (migrations check, templates) settles
        double startMib = lab.ResidentMib();
        Console.WriteLine($"lab {lab.BaseUrl}: resident {startMib:F0} MiB after start");
        using var playwright = await Playwright.CreateAsync();
        await using var browser = await playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = Chromium,
            Headless = true,
            Args = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--no-first-run"],
        });
        await using var context = await browser.NewContextAsync(new BrowserNewContextOptions { ViewportSize = new ViewportSize { Width = 1400, Height = 900 } });
        var page = await context.NewPageAsync();
        page.SetDefaultTimeout(180_000);
        var received = new ReceivedBytes(page);
        await SignIn(page, lab.BaseUrl, data);

        var runsPage = new List<double>();
        for (int i = 0; i <= repeats; i++) runsPage.Add(await RunsPageRender(page, lab.BaseUrl));
        Print("runs page first render (first visit)", [runsPage[0]]);
        Print("runs page first render (later visits)", runsPage[1..]);
        var sorted = new List<double>();
        for (int i = 0; i < repeats; i++) sorted.Add(await SortByBestMap(page));
        Print("runs table sorted by best mAP (2nd click onwards alternate direction)", sorted);
        double afterRunsMib = lab.ResidentMib();

        string compareUrl = lab.BaseUrl + "compare?metric=step:loss&runs=" + string.Join(',', longIds);
        var compare = new List<double>();
        for (int i = 0; i <= repeats; i++) compare.Add(await CompareRender(page, compareUrl));
        Print($"compare of {longIds.Length} runs, step loss overlaid (first: curves read from the store)", [compare[0]]);
        Print($"compare of {longIds.Length} runs (curves cached)", compare[1..]);
        var compareZooms = await Zooms(page, lab, received, ".chart-box[data-chart$='(per step)'] div[id^='chart-']", steps, repeats);
        PrintZooms($"zoom refined, compare of {longIds.Length} runs ({await Traces(page)} traces)", compareZooms);
        string shot = Path.Combine(Path.GetTempPath(), "charts-bench-compare.png");
        await page.Locator(".chart-box[data-chart$='(per step)']").ScreenshotAsync(new LocatorScreenshotOptions { Path = shot });
        Console.WriteLine($"  the zoomed compare chart: {shot}");
        double afterCompareMib = lab.ResidentMib();

        await page.GotoAsync(lab.BaseUrl + $"runs/{longIds[0]}");
        await page.Locator(".chart-box[data-chart^='Loss (raw'] div[id^='chart-'][data-refined]").WaitForAsync();
        var runZooms = await Zooms(page, lab, received, ".chart-box[data-chart^='Loss (raw'] div[id^='chart-']", steps, repeats);
        PrintZooms($"zoom refined, run page of a {steps}-step run", runZooms);
        double ratio = Median(compareZooms.Select(z => z.Total)) / Median(runZooms.Select(z => z.Total));
        Console.WriteLine($"compare zoom / run page zoom: {ratio:F1}× (the same run of the benchmark)");
        await page.GotoAsync(lab.BaseUrl + "runs");
        await Task.Delay(3000);
        double endMib = lab.ResidentMib();
        Console.WriteLine($"lab resident memory: {startMib:F0} MiB after start, {afterRunsMib:F0} after the runs pages, {afterCompareMib:F0} after the compares and zooms, {endMib:F0} at the end");
        Console.WriteLine($"load average at the end {LoadAverage()} (the machine is shared: other work ran meanwhile)");
    }

    /// <summary>
    /// The store: reused when a previous run of the benchmark made it (same counts), else generated. Returns the ids of
    /// the long runs. Runs are queued through the store (validated configs), then marked completed in one update; the
    /// metric points go through the store's batch writer, as a worker writes them.
    /// </summary>
    private static long[] Generate(string data, int runs, int longRuns, int steps)
    {
        string done = Path.Combine(data, "charts-bench-ready.txt");
        var plain = new DataFolder(data);
        var folder = new DataFolder(data) { Limits = HostLimits.FromEnvironment(plain.Roots) with { MaxQueuedRuns = runs + 1 } };
        using var store = RunStore.Open(folder);
        if (File.Exists(done))
        {
            Console.WriteLine($"store: reusing {data}");
            return [.. File.ReadAllLines(done).Select(l => long.Parse(l, CultureInfo.InvariantCulture))];
        }
        var clock = Stopwatch.StartNew();
        var random = new Random(2026);
        var ids = new List<long>(runs);
        for (int i = 0; i < runs; i++)
        {
            var config = new RunConfig { Name = $"bench-{i:D4}", Seed = i } with { Loss = new LossConfig { Embedding = EmbeddingLossKind.Triplet, Margin = Math.Round(0.05 + 0.45 * random.NextDouble(), 3) } };
            ids.Add(store.Queue(config, new RunOptions(Experiment: $"template-{i % 7}", Tags: [$"group-{i % 13}"])));
        }
        using (var db = store.CreateContext())
            db.Runs.ExecuteUpdate(s => s.SetProperty(r => r.Status, RunStatus.Completed).SetProperty(r => r.Steps, 1000L)
                .SetProperty(r => r.TotalSteps, 1000L).SetProperty(r => r.Epochs, 10).SetProperty(r => r.EpochsCompleted, 10)
                .SetProperty(r => r.StartedAt, DateTime.UtcNow).SetProperty(r => r.FinishedAt, DateTime.UtcNow));
        Console.WriteLine($"store: {runs} runs queued and completed in {clock.Elapsed.TotalSeconds:F1} s");
        foreach (var id in ids)
        {
            double top = 0.3 + 0.6 * random.NextDouble();
            for (int epoch = 0; epoch < 10; epoch++)
                store.Writer.AddMetric(id, MetricKind.Epoch, 100 * (epoch + 1), epoch, "map", top * (1 - Math.Exp(-(epoch + 1) / 3.0)));
        }
        var longIds = ids.Take(longRuns).ToArray();
        using (var db = store.CreateContext())
            db.Runs.Where(r => longIds.Contains(r.Id)).ExecuteUpdate(s => s.SetProperty(r => r.Steps, (long)steps).SetProperty(r => r.TotalSteps, (long)steps));
        long written = 0;
        foreach (var id in longIds)
        {
            for (int step = 0; step < steps; step++)
            {
                double loss = Math.Exp(-step / (steps / 5.0)) + 0.05 * random.NextDouble() + (random.Next(20_000) == 0 ? 3 : 0);
                store.Writer.AddMetric(id, MetricKind.Step, step, step * 10 / steps, "loss", loss);
                store.Writer.AddMetric(id, MetricKind.Step, step, step * 10 / steps, "lr", 0.001 * 0.5 * (1 + Math.Cos(Math.PI * step / steps)));
            }
            written += 2L * steps;
            if (written % (10L * steps) == 0) Console.WriteLine($"store: {written:N0} step points handed to the writer");
        }
        store.Writer.Flush(TimeSpan.FromMinutes(30));
        Console.WriteLine($"store: generated in {clock.Elapsed.TotalSeconds:F0} s, {new FileInfo(folder.DatabasePath).Length / (1024.0 * 1024):F0} MiB");
        File.WriteAllLines(done, longIds.Select(i => i.ToString(CultureInfo.InvariantCulture)));
        return longIds;
    }

    /// <summary>The store's side of the runs table and the charts, in this process: a page of 25 runs (three sorts, a search), one 100,000-step curve.</summary>
    private static void StoreQueries(string data, int repeats)
    {
        using var store = RunStore.Open(new DataFolder(data));
        var admin = Store.Accounts.Caller.DataFolderOwner;
        foreach (var (name, query) in new[]
                 {
                     ("by id", new RunPageQuery(ReadableBy: admin)),
                     ("by best mAP", new RunPageQuery(Sort: RunSortColumn.BestMap, ReadableBy: admin)),
                     ("by name, page 40", new RunPageQuery(Page: 39, Sort: RunSortColumn.Name, Descending: false, ReadableBy: admin)),
                     ("search \"group-3 template-1\"", new RunPageQuery(Search: "group-3 template-1", ReadableBy: admin)),
                 })
            Print($"store page of 25 runs {name}", Time(() => store.Page(query), repeats + 1)[1..]);
        long first = store.Page(new RunPageQuery(Sort: RunSortColumn.Id, Descending: false, PageSize: 1, ReadableBy: admin)).Rows[0].Run.Id;
        Print("store series read, one 100,000-step curve", Time(() => store.Series(first, MetricKind.Step, "loss"), repeats + 1)[1..]);
    }

    private static List<double> Time(Action action, int times)
    {
        var result = new List<double>();
        for (int i = 0; i < times; i++)
        {
            var clock = Stopwatch.StartNew();
            action();
            result.Add(clock.Elapsed.TotalMilliseconds);
        }
        return result;
    }

    private static async Task SignIn(IPage page, string baseUrl, string data)
    {
        string password = File.ReadAllLines(Path.Combine(data, Store.Accounts.AccountService.AdminPasswordFile))[1];
        await page.GotoAsync(baseUrl + "login");
        await page.Locator(".login-name").FillAsync("admin");
        await page.Locator(".login-password").FillAsync(password);
        await page.Locator(".login-submit").ClickAsync();
        try { await page.WaitForURLAsync(url => !url.Contains("/login", StringComparison.Ordinal)); }
        catch (TimeoutException)
        {
            string shot = Path.Combine(Path.GetTempPath(), "charts-bench-sign-in.png");
            await page.ScreenshotAsync(new PageScreenshotOptions { Path = shot });
            throw new TimeoutException($"sign-in as admin did not leave the login page (screenshot {shot})");
        }
    }

    /// <summary>Milliseconds from navigation start to the runs table's first page of rows in the page (the browser's clock).</summary>
    private static async Task<double> RunsPageRender(IPage page, string baseUrl)
    {
        await page.GotoAsync(baseUrl + "runs", new PageGotoOptions { WaitUntil = WaitUntilState.Commit });
        return await page.EvaluateAsync<double>("""
            () => new Promise(resolve => {
                const done = () => document.querySelectorAll('tr.run-row').length >= 25;
                if (done()) return resolve(performance.now());
                new MutationObserver((_, o) => { if (done()) { o.disconnect(); resolve(performance.now()); } })
                    .observe(document, { childList: true, subtree: true });
            })
            """);
    }

    /// <summary>Milliseconds from a click on the best-mAP header to the re-sorted first page drawn.</summary>
    private static async Task<double> SortByBestMap(IPage page)
    {
        string first = await page.Locator("tr.run-row").First.GetAttributeAsync("data-run-id") ?? "";
        return await page.EvaluateAsync<double>("""
            first => new Promise(resolve => {
                const start = performance.now();
                const row = () => document.querySelector('tr.run-row');
                new MutationObserver((_, o) => { if (row() && row().dataset.runId !== first) { o.disconnect(); resolve(performance.now() - start); } })
                    .observe(document.querySelector('.runs-table'), { childList: true, subtree: true, attributes: true });
                document.querySelector("[data-sort='BestMap']").click();
            })
            """, first);
    }

    /// <summary>
    /// Milliseconds from navigation start to the compare chart holding every trace the server sent (its data-traces:
    /// a raw and a smoothed curve per run, or only the smoothed ones past CompareLoader.RawCurvesUpTo runs).
    /// </summary>
    private static async Task<double> CompareRender(IPage page, string url)
    {
        await page.GotoAsync(url, new PageGotoOptions { WaitUntil = WaitUntilState.Commit });
        return await page.EvaluateAsync<double>("""
            () => new Promise(resolve => {
                const tick = () => {
                    const box = document.querySelector(".chart-box[data-chart$='(per step)']");
                    const chart = box && box.querySelector("div[id^='chart-']");
                    const traces = box ? Number(box.dataset.traces) : NaN;
                    if (chart && traces > 0 && chart.data && chart.data.length >= traces && chart.dataset.refined !== undefined) resolve(performance.now());
                    else requestAnimationFrame(tick);
                };
                tick();
            })
            """);
    }

    /// <summary>The traces the compare chart draws in the browser.</summary>
    private static Task<int> Traces(IPage page) =>
        page.Locator(".chart-box[data-chart$='(per step)'] div[id^='chart-']").EvaluateAsync<int>("e => e.data.length");

    /// <summary>The lab's log category whose debug lines time the server's part of a zoom (LineChart).</summary>
    private const string ZoomLogCategory = "SbirLab.Web.Components.Shared.LineChart";

    /// <summary>
    /// One zoom, in milliseconds on the browser's clock: Plotly's relayout of the old traces until the chart reports the
    /// new range (Relayout), from that report to the answer's draw call in the browser (the server's work, the
    /// transfer and the parse), unpacking the points and waiting behind earlier chart work, Plotly.react of the refined traces; the server's
    /// part as the lab logged it (lines built; traces built and serialised); the bytes the browser received meanwhile;
    /// CPU time, which a busy machine inflates far less than wall time: the page's main thread (Chromium's ThreadTime
    /// metric) and the lab's process, each over the whole zoom.
    /// </summary>
    private sealed record Zoom(double Total, double Relayout, double ToAnswer, double Queued, double Draw, double LinesBuilt, double Serialised,
        int Lines, long Points, long Bytes, double BrowserCpu, double LabCpu);

    /// <summary>Bytes of the WebSocket frames (the Blazor circuit) the page received.</summary>
    private sealed class ReceivedBytes
    {
        private long _bytes;

        public ReceivedBytes(IPage page) => page.WebSocket += (_, socket) =>
            socket.FrameReceived += (_, frame) => Interlocked.Add(ref _bytes, frame.Binary?.Length ?? System.Text.Encoding.UTF8.GetByteCount(frame.Text ?? ""));

        public long Bytes => Interlocked.Read(ref _bytes);
    }

    /// <summary>Zooms to several ranges of ~1 % of the run (a mouse zoom: Plotly relayout) and times each until its refined traces are drawn.</summary>
    private static async Task<List<Zoom>> Zooms(IPage page, SketchSearchBenchmark.LabProcess lab, ReceivedBytes received, string chart, int steps, int repeats)
    {
        var zooms = new List<Zoom>();
        var random = new Random(5);
        var devtools = await page.Context.NewCDPSessionAsync(page);
        await devtools.SendAsync("Performance.enable");
        while (lab.DebugLines.TryDequeue(out _)) { }
        for (int i = 0; i < repeats; i++)
        {
            double from = Math.Round(random.NextDouble() * 0.9 * steps), to = from + steps / 100.0;
            long bytesBefore = received.Bytes;
            var (browserBefore, labBefore) = (await MainThreadSeconds(devtools), lab.CpuTime());
            var t = await page.Locator(chart).EvaluateAsync<double[]>("""
                (e, range) => new Promise(resolve => {
                    const before = e.dataset.refined, start = performance.now();
                    new MutationObserver((_, o) => {
                        if (e.dataset.refined === before) return;
                        o.disconnect();
                        const d = e._drawTiming;
                        resolve([performance.now() - start, d.reported - start, d.received - d.reported, d.started - d.received, d.drawn - d.started]);
                    }).observe(e, { attributes: true, attributeFilter: ['data-refined'] });
                    Plotly.relayout(e, { 'xaxis.range': range });
                })
                """, new[] { from, to });
            var (browserCpu, labCpu) = (1000 * (await MainThreadSeconds(devtools) - browserBefore), (lab.CpuTime() - labBefore).TotalMilliseconds);
            await Task.Delay(200); // the lab's log line and the last frames arrive
            var server = lab.DebugLines.TryDequeue(out var line) && RefinedLine().Match(line) is { Success: true } m
                ? (Lines: int.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture), Points: long.Parse(m.Groups[2].Value, CultureInfo.InvariantCulture),
                    Built: double.Parse(m.Groups[3].Value, CultureInfo.InvariantCulture), Serialised: double.Parse(m.Groups[4].Value, CultureInfo.InvariantCulture))
                : (Lines: 0, Points: 0L, Built: double.NaN, Serialised: double.NaN);
            zooms.Add(new Zoom(t[0], t[1], t[2], t[3], t[4], server.Built, server.Serialised, server.Lines, server.Points, received.Bytes - bytesBefore, browserCpu, labCpu));
        }
        return zooms;
    }

    /// <summary>CPU seconds the page's main thread has used (Chromium's ThreadTime metric; NaN where it has none).</summary>
    private static async Task<double> MainThreadSeconds(ICDPSession devtools)
    {
        var metrics = await devtools.SendAsync("Performance.getMetrics");
        if (metrics is not { } m) return double.NaN;
        foreach (var metric in m.GetProperty("metrics").EnumerateArray())
            if (metric.GetProperty("name").GetString() == "ThreadTime") return metric.GetProperty("value").GetDouble();
        return double.NaN;
    }

    [System.Text.RegularExpressions.GeneratedRegex(@"chart refined: .*, (\d+) lines, (\d+) points, lines built in ([\d.]+) ms, traces built and serialised in ([\d.]+) ms")]
    private static partial System.Text.RegularExpressions.Regex RefinedLine();

    private static void PrintZooms(string what, IReadOnlyList<Zoom> zooms)
    {
        Print(what, zooms.Select(z => z.Total).ToList());
        string M(Func<Zoom, double> part) => Median(zooms.Select(part)).ToString("F1", CultureInfo.InvariantCulture);
        Console.WriteLine($"  breakdown (medians): Plotly relayout of the old traces {M(z => z.Relayout)} ms; report to answer in the browser {M(z => z.ToAnswer)} ms " +
            $"(server: lines built {M(z => z.LinesBuilt)} ms, traces built and serialised {M(z => z.Serialised)} ms; the rest transfer, parse and circuit); " +
            $"points unpacked and queued {M(z => z.Queued)} ms; Plotly.react {M(z => z.Draw)} ms");
        Console.WriteLine($"  CPU per zoom (medians): the page's main thread {M(z => z.BrowserCpu)} ms, the lab's process {M(z => z.LabCpu)} ms");
        var last = zooms[^1];
        Console.WriteLine($"  payload: {last.Lines} lines, {last.Points:N0} points, {Median(zooms.Select(z => (double)z.Bytes)) / 1024:F0} KiB received per zoom (median)");
    }

    private static double Median(IEnumerable<double> values)
    {
        var sorted = values.Order().ToArray();
        return sorted.Length == 0 ? double.NaN : sorted[sorted.Length / 2];
    }

    private static void Print(string what, IReadOnlyList<double> ms)
    {
        var sorted = ms.Order().ToArray();
        string median = sorted.Length == 0 ? "-" : sorted[sorted.Length / 2].ToString("F0", CultureInfo.InvariantCulture);
        Console.WriteLine($"{what}: median {median} ms, all [{string.Join(", ", ms.Select(m => m.ToString("F0", CultureInfo.InvariantCulture)))}] ms");
    }

    private static string LoadAverage() => File.Exists("/proc/loadavg") ? string.Join(' ', File.ReadAllText("/proc/loadavg").Split(' ').Take(3)) : "?";

    private static int Arg(string[] args, string name, int fallback)
    {
        int i = Array.IndexOf(args, name);
        return i >= 0 && i + 1 < args.Length ? int.Parse(args[i + 1], CultureInfo.InvariantCulture) : fallback;
    }

    private static string ArgText(string[] args, string name, string fallback)
    {
        int i = Array.IndexOf(args, name);
        return i >= 0 && i + 1 < args.Length ? args[i + 1] : fallback;
    }
}
