using System.Diagnostics;
using System.Globalization;
using System.Text.RegularExpressions;
using Microsoft.Playwright;
using SbirLab.Core.Configs;
using SbirLab.Core.Runs;
using SbirLab.Engine.Datasets;
using SbirLab.Engine.Imaging;
using SbirLab.Engine.Training;
using SbirLab.Runs;
using SbirLab.Store;

namespace SbirLab.Benchmarks;

/// <summary>
/// Sketch search as a person meets it, on a ~10k-photo gallery (FashionMNIST: the 9,990 test photos outside a held-out
/// query per class) of a FashionMNIST pseudo-sketch run trained here (or found in --data):
/// (1) the time from a finished stroke to its results on the page, in Chromium driven by Playwright: the mouse draws the
/// pseudo-sketch strokes of test images on the canvas, the page's module marks every pointerup and measures until the
/// page shows that search's answer (and until its photos have loaded); p50 / p95 over --queries drawings (goal p95 &lt;
/// 150 ms); (2) the queries per second the lab holds with --clients concurrent HTTP clients on loopback posting drawings
/// to the search API, exact and HNSW, bounded by --requests per index and --seconds.
/// The lab runs as its own process (the web project's build output), as a person starts it. Screenshots of the first
/// drawings go to --screens (default /tmp/search-screens).
/// </summary>
public static partial class SketchSearchBenchmark
{
    private static readonly string[] ChromiumArgs =
        ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run"];

    /// <summary>The run: the CPU twin fm-sketch-triplet with one shared network and Adam (see the engine's search tests), one query per class held out.</summary>
    private static readonly string[] Overrides =
    [
        "model.siamese=shared", "optimizer.name=adam", "optimizer.learningRate=0.003", "optimizer.momentum=0",
        "training.epochs=1", "training.maxStepsPerEpoch=150", "data.trainLimit=6000",
        "evaluation.perClass=1", "evaluation.queries=10", "evaluation.mapPoints=0",
    ];

    public static void Run(string[] args) => RunAsync(args).GetAwaiter().GetResult();

    private static async Task RunAsync(string[] args)
    {
        string data = Arg(args, "--data", Path.Combine(Path.GetTempPath(), "sbirlab-search-bench"));
        string screens = Arg(args, "--screens", "/tmp/search-screens");
        int queries = int.Parse(Arg(args, "--queries", "200"), CultureInfo.InvariantCulture);
        int clients = int.Parse(Arg(args, "--clients", "20"), CultureInfo.InvariantCulture);
        int requests = int.Parse(Arg(args, "--requests", "3000"), CultureInfo.InvariantCulture);
        double seconds = double.Parse(Arg(args, "--seconds", "30"), CultureInfo.InvariantCulture);

        Console.WriteLine($"sketch search benchmark: {Environment.ProcessorCount} cores, load average {LoadAverage()}");
        var (runId, config) = TrainedRun(data);
        var drawings = Drawings(config, Math.Max(queries, 200));
        using var lab = await LabProcess.StartAsync(data);
        Console.WriteLine($"lab at {lab.BaseUrl}, run {runId} ({config.Data.Dataset.Name()})");

        if (queries > 0)
        {
            var page = await PageLatency(lab.BaseUrl, runId, drawings.Take(queries).ToList(), screens);
            Console.WriteLine();
            Console.WriteLine($"stroke end → results on the page, Chromium, {page.ToResults.Count} drawings (goal p95 < 150 ms)");
            Print("results shown (DOM)", page.ToResults);
            Print("photos loaded", page.ToImages);
            Print("server search time", page.Server);
        }
        Console.WriteLine();
        Console.WriteLine($"server throughput: {clients} concurrent HTTP clients on loopback, at most {requests} requests or {seconds:0} s per index");
        foreach (var index in OptionNames.Of<IndexKind>())
            await Throughput(lab.BaseUrl, runId, drawings, index, clients, requests, TimeSpan.FromSeconds(seconds));
        Console.WriteLine($"load average after: {LoadAverage()}");
    }

    /// <summary>A completed run with a gallery index from the data folder, else one trained now.</summary>
    private static (long RunId, RunConfig Config) TrainedRun(string data)
    {
        var folder = new DataFolder(data).Create();
        using var store = RunStore.Open(folder);
        var existing = store.List().FirstOrDefault(r => r.Status == RunStatus.Completed && File.Exists(GalleryIndexBuilder.IndexPath(folder.RunFolder(r.Id))));
        if (existing is not null) return (existing.Id, store.Config(existing.Id));
        var config = ConfigJson.Load(Path.Combine(RepoRoot(), "experiments", "sbir", "fm-sketch-triplet.json"), Overrides);
        Console.WriteLine("training the benchmark's run (fm-sketch-triplet, shared network, 75 steps)…");
        var watch = Stopwatch.StartNew();
        using var service = new RunService(store);
        var (id, outcome) = service.RunInForeground(config, new EngineRunExecutor());
        if (outcome.Status != RunStatus.Completed) throw new InvalidOperationException("training failed: " + outcome.Message);
        Console.WriteLine($"trained in {watch.Elapsed.TotalSeconds:0} s");
        return (id, config);
    }

    /// <summary>Drawings: the pseudo-sketch strokes of test photos that are in the gallery's split, classes in turn.</summary>
    private static List<Drawing> Drawings(RunConfig config, int count)
    {
        var test = FashionMnist.Load("test", config.Data.Root);
        var heldOut = Seed004Protocol.Subset(test.Labels, config.Evaluation.PerClass, config.Seed).ToHashSet();
        var byClass = Enumerable.Range(0, 10).Select(c => Enumerable.Range(0, test.Count).Where(i => test.Labels[i] == c && !heldOut.Contains(i)).ToList()).ToList();
        return Enumerable.Range(0, count).Select(n =>
        {
            int label = n % 10, index = byClass[label][n / 10];
            var strokes = EdgeStrokes.FromImage(test.Image(index).ToArray(), test.Width, test.Height).OrderByDescending(s => s.Points.Count).Take(6).ToList();
            return new Drawing(index, FashionMnist.ClassNames[label], strokes);
        }).ToList();
    }

    private sealed record Drawing(int TestIndex, string ClassName, IReadOnlyList<Stroke> Strokes)
    {
        /// <summary>The API's JSON body for a 400-pixel canvas.</summary>
        public object Query(string index) => new
        {
            strokes = Strokes.Select(s => new[] { s.Points.Select(p => p.X * 400).ToArray(), s.Points.Select(p => p.Y * 400).ToArray(), s.Points.Select(p => p.T).ToArray() }),
            width = 400,
            height = 400,
            k = 10,
            index,
            strokeWidth = 6,
        };
    }

    private sealed record PageTimes(List<double> ToResults, List<double> ToImages, List<double> Server);

    private static async Task<PageTimes> PageLatency(string baseUrl, long runId, List<Drawing> drawings, string screens)
    {
        using var playwright = await Playwright.CreateAsync();
        await using var browser = await playwright.Chromium.LaunchAsync(new() { ExecutablePath = "/usr/bin/chromium", Args = ChromiumArgs, Headless = true });
        var page = await browser.NewPageAsync(new() { ViewportSize = new ViewportSize { Width = 1400, Height = 900 } });
        page.SetDefaultTimeout(60_000);
        await page.GotoAsync($"{baseUrl}search?run={runId}");
        await page.Locator(".run-state").Filter(new() { HasTextRegex = new Regex("ready") }).WaitForAsync(new() { Timeout = 180_000 });
        var canvas = page.Locator("canvas.sketch-canvas");
        var times = new PageTimes([], [], []);
        Directory.CreateDirectory(screens);
        for (int n = 0; n < drawings.Count; n++)
        {
            if (n > 0) await page.Locator(".clear-button").ClickAsync();
            await page.EvaluateAsync("() => { performance.clearMarks(); performance.clearMeasures(); }");
            await Draw(page, canvas, drawings[n].Strokes);
            int seq = await page.EvaluateAsync<int>("() => Math.max(...performance.getEntriesByType('mark').filter(m => m.name.startsWith('sketch:stroke-end:')).map(m => Number(m.name.split(':')[2])))");
            const string measured = "([name, seq]) => performance.getEntriesByName(name).some(e => e.detail && e.detail.seq === seq)";
            await page.WaitForFunctionAsync(measured, new object[] { "sketch:stroke-to-images", seq });
            times.ToResults.Add(await Duration(page, "sketch:stroke-to-results", seq));
            times.ToImages.Add(await Duration(page, "sketch:stroke-to-images", seq));
            string server = await page.Locator(".server-ms").InnerTextAsync();
            times.Server.Add(double.Parse(server.Replace(" ms", ""), CultureInfo.InvariantCulture));
            if (n < 10) await page.ScreenshotAsync(new() { Path = Path.Combine(screens, $"bench-{n:D2}-{drawings[n].ClassName.Replace('/', '-').Replace(' ', '-')}.png") });
            if ((n + 1) % 50 == 0) Console.WriteLine($"  {n + 1} drawings: p50 {Percentile(times.ToResults, 50):0.0} ms so far");
        }
        return times;
    }

    private static Task<double> Duration(IPage page, string name, int seq) =>
        page.EvaluateAsync<double>("([name, seq]) => performance.getEntriesByName(name).find(e => e.detail && e.detail.seq === seq).duration", new object[] { name, seq });

    /// <summary>Draws [0, 1] strokes with the mouse inside the canvas (10 % border), every second point.</summary>
    private static async Task Draw(IPage page, ILocator canvas, IReadOnlyList<Stroke> strokes)
    {
        var box = await canvas.BoundingBoxAsync() ?? throw new InvalidOperationException("no canvas");
        float X(StrokePoint p) => (float)(box.X + box.Width * (0.1 + 0.8 * p.X));
        float Y(StrokePoint p) => (float)(box.Y + box.Height * (0.1 + 0.8 * p.Y));
        foreach (var stroke in strokes)
        {
            var points = stroke.Points.Where((_, i) => i % 2 == 0 || i == stroke.Points.Count - 1).ToList();
            await page.Mouse.MoveAsync(X(points[0]), Y(points[0]));
            await page.Mouse.DownAsync();
            foreach (var point in points.Skip(1)) await page.Mouse.MoveAsync(X(point), Y(point));
            await page.Mouse.UpAsync();
        }
    }

    private static async Task Throughput(string baseUrl, long runId, List<Drawing> drawings, string index, int clients, int requests, TimeSpan limit)
    {
        using var http = new HttpClient(new SocketsHttpHandler { MaxConnectionsPerServer = clients }) { BaseAddress = new Uri(baseUrl), Timeout = TimeSpan.FromSeconds(30) };
        var bodies = drawings.Select(d => System.Text.Json.JsonSerializer.SerializeToUtf8Bytes(d.Query(index), Web)).ToList();
        (await http.PostAsync($"api/runs/{runId}/search", Json(bodies[0]))).EnsureSuccessStatusCode();
        int issued = 0, failed = 0;
        string? firstFailure = null;
        var latencies = new List<double>[clients];
        var watch = Stopwatch.StartNew();
        await Task.WhenAll(Enumerable.Range(0, clients).Select(async c =>
        {
            latencies[c] = [];
            while (watch.Elapsed < limit)
            {
                int n = Interlocked.Increment(ref issued) - 1;
                if (n >= requests) break;
                var body = Json(bodies[n % bodies.Count]);
                long start = Stopwatch.GetTimestamp();
                using var response = await http.PostAsync($"api/runs/{runId}/search", body);
                string text = await response.Content.ReadAsStringAsync();
                latencies[c].Add(Stopwatch.GetElapsedTime(start).TotalMilliseconds);
                if (!response.IsSuccessStatusCode && Interlocked.Increment(ref failed) == 1)
                    firstFailure = $"{(int)response.StatusCode} {text[..Math.Min(300, text.Length)]}";
            }
        }));
        double elapsed = watch.Elapsed.TotalSeconds;
        var all = latencies.SelectMany(l => l).ToList();
        Console.WriteLine($"  {index,-5}: {all.Count} requests in {elapsed:0.0} s = {all.Count / elapsed:0} queries/s; latency p50 {Percentile(all, 50):0.0} ms, p95 {Percentile(all, 95):0.0} ms, p99 {Percentile(all, 99):0.0} ms; {failed} failed");
        if (firstFailure is not null) Console.WriteLine($"         first failure: {firstFailure}");
    }

    private static readonly System.Text.Json.JsonSerializerOptions Web = new(System.Text.Json.JsonSerializerDefaults.Web);

    private static ByteArrayContent Json(byte[] body)
    {
        var content = new ByteArrayContent(body);
        content.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue("application/json");
        return content;
    }

    private static void Print(string what, List<double> values) =>
        Console.WriteLine($"  {what,-20} p50 {Percentile(values, 50),7:0.0} ms   p95 {Percentile(values, 95),7:0.0} ms   mean {values.Average(),7:0.0} ms   max {values.Max(),7:0.0} ms");

    /// <summary>Nearest-rank percentile.</summary>
    private static double Percentile(List<double> values, double percent)
    {
        var sorted = values.Order().ToList();
        int rank = (int)Math.Ceiling(percent / 100 * sorted.Count);
        return sorted[Math.Clamp(rank - 1, 0, sorted.Count - 1)];
    }

    private static string LoadAverage() => File.Exists("/proc/loadavg") ? string.Join(' ', File.ReadAllText("/proc/loadavg").Split(' ').Take(3)) : "?";

    private static string Arg(string[] args, string name, string fallback)
    {
        int at = Array.IndexOf(args, name);
        return at >= 0 && at + 1 < args.Length ? args[at + 1] : fallback;
    }

    internal static string RepoRoot()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "SbirLab.sln"))) dir = dir.Parent;
        return dir?.FullName ?? throw new DirectoryNotFoundException("SbirLab.sln not found above the benchmark");
    }

    /// <summary>The web lab as its own process: the web project's build output of the benchmark's configuration.</summary>
    internal sealed partial class LabProcess : IDisposable
    {
        private readonly Process _process;

        private LabProcess(Process process, string baseUrl, System.Collections.Concurrent.ConcurrentQueue<string> debugLines) =>
            (_process, BaseUrl, DebugLines) = (process, baseUrl, debugLines);

        public string BaseUrl { get; }

        /// <summary>Lines the lab logged at <see cref="StartAsync"/>'s debug categories (not echoed), oldest first.</summary>
        public System.Collections.Concurrent.ConcurrentQueue<string> DebugLines { get; }

        /// <summary>CPU time the lab's process has used so far (all its threads).</summary>
        public TimeSpan CpuTime()
        {
            _process.Refresh();
            return _process.TotalProcessorTime;
        }

        /// <summary>The lab's resident memory now (VmRSS), in MiB.</summary>
        public double ResidentMib()
        {
            _process.Refresh();
            return _process.WorkingSet64 / (1024.0 * 1024);
        }

        /// <param name="debugCategories">Log categories the lab logs at Debug; their lines go to <see cref="DebugLines"/>.</param>
        public static async Task<LabProcess> StartAsync(string data, params string[] debugCategories)
        {
            string configuration = new DirectoryInfo(AppContext.BaseDirectory).Parent!.Name;
            string dll = Path.Combine(RepoRoot(), "src", "SbirLab.Web", "bin", configuration, "net10.0", "SbirLab.Web.dll");
            var info = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
            foreach (var arg in new[] { dll, "--urls", "http://127.0.0.1:0", "--data", data, "--worker", "false" }) info.ArgumentList.Add(arg);
            info.Environment["ASPNETCORE_ENVIRONMENT"] = "Production";
            info.Environment["Logging__LogLevel__Default"] = "Warning";
            foreach (var category in debugCategories) info.Environment[$"Logging__LogLevel__{category}"] = "Debug";
            var process = Process.Start(info)!;
            var debugLines = new System.Collections.Concurrent.ConcurrentQueue<string>();
            bool debugNext = false;
            var address = new TaskCompletionSource<string>(TaskCreationOptions.RunContinuationsAsynchronously);
            process.OutputDataReceived += (_, e) =>
            {
                if (e.Data is null) return;
                if (Listening().Match(e.Data) is { Success: true } m) address.TrySetResult(m.Groups[1].Value);
                else if (debugNext) debugLines.Enqueue(e.Data.Trim()); // the console logger writes the message on the line after "dbug: category"
                else if (address.Task.IsCompleted && !e.Data.StartsWith("dbug:", StringComparison.Ordinal)) Console.WriteLine("lab: " + e.Data); // warnings and errors after the start
                debugNext = e.Data.StartsWith("dbug:", StringComparison.Ordinal);
            };
            process.ErrorDataReceived += (_, e) => { if (e.Data is not null) Console.Error.WriteLine("lab: " + e.Data); };
            process.BeginOutputReadLine();
            process.BeginErrorReadLine();
            if (await Task.WhenAny(address.Task, Task.Delay(TimeSpan.FromSeconds(120))) != address.Task)
            {
                process.Kill(entireProcessTree: true);
                throw new TimeoutException("the lab did not start within 120 s");
            }
            return new LabProcess(process, (await address.Task).TrimEnd('/') + "/", debugLines);
        }

        [GeneratedRegex(@"SbirLab web lab listening on (http://\S+)")]
        private static partial Regex Listening();

        public void Dispose()
        {
            if (!_process.HasExited)
            {
                _process.Kill(entireProcessTree: true);
                _process.WaitForExit(10_000);
            }
            _process.Dispose();
        }
    }
}
