using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using System.Text.RegularExpressions;
using Microsoft.Playwright;
using SbirLab.Core.Configs;
using SbirLab.Core.Runs;
using SbirLab.Engine.Reports;
using SbirLab.Engine.Training;
using SbirLab.Store;
using SbirLab.Store.Entities;

namespace SbirLab.Benchmarks;

/// <summary>
/// Does watching a run in the web lab slow its training? Starts the lab (its own process, a temporary data
/// folder, the in-process training worker), then trains the same small FashionMNIST run alternately with no
/// browser and with N Chromium pages open on its run page (live charts, four updates a second each), and
/// compares the median training step time (the trainer's own step timing) and the lab's CPU time per step.
/// Samples the lab's resident memory throughout. Writes summary.json and two figures (step time, memory).
/// With --pin (the default on a machine with 2+ CPUs) the lab runs on CPU 0 with one torch thread and
/// Chromium on the other CPUs, so the browsers' own drawing does not take the training's CPU: what is
/// measured is what serving the watchers costs the lab.
/// </summary>
public static partial class WebWatchersBenchmark
{
    private const string Chromium = "/usr/bin/chromium";

    /// <summary>Where the summary, the figures and a screenshot of one watching page go.</summary>
    private static string Output = "";

    public static void Run(string[] args) => RunAsync(args).GetAwaiter().GetResult();

    private static async Task RunAsync(string[] args)
    {
        int watchers = Arg(args, "--watchers", 20);
        int steps = Arg(args, "--steps", 150);
        int repeats = Arg(args, "--repeats", 2);
        bool pin = !Flag(args, "--no-pin") && OperatingSystem.IsLinux() && Environment.ProcessorCount >= 2 && File.Exists("/usr/bin/taskset");
        string output = Output = Path.GetFullPath(ArgText(args, "--out", Path.Combine("artifacts", "web-watchers")));
        Directory.CreateDirectory(output);
        string data = Path.Combine(Path.GetTempPath(), "sbirlab-web-bench", Guid.NewGuid().ToString("N"));
        int liveInterval = Arg(args, "--live-interval-ms", 250);
        int budget = Arg(args, "--live-updates-per-s", 40);
        Console.WriteLine($"web watchers: {watchers} Chromium pages vs none, {steps} training steps per run, {repeats} pairs, pinned {pin}, {Environment.ProcessorCount} CPUs, " +
                          $"live interval {liveInterval} ms, live updates budget {budget}/s (each of {watchers} pages: every {(budget > 0 ? Math.Max(liveInterval, 1000.0 * watchers / budget) : liveInterval):F0} ms)");

        using var lab = await Lab.StartAsync(data, pin, liveInterval, budget);
        Console.WriteLine($"lab {lab.Url} (pid {lab.Pid}), data {data}");
        using var store = RunStore.Open(new DataFolder(data));
        var (playwright, browser) = await LaunchChromium(pin);
        var results = new List<Trial>();
        var memory = new List<(double Seconds, double Mib)>();
        var clock = Stopwatch.StartNew();
        try
        {
            await Measure(lab, store, browser, watchers, steps, "warm-up", memory, clock); // loads data, page cache, and JIT-compiles the serving code as well as the training
            for (int r = 0; r < repeats; r++)
            {
                results.Add(await Measure(lab, store, browser, 0, steps, $"alone-{r}", memory, clock));
                results.Add(await Measure(lab, store, browser, watchers, steps, $"watched-{r}", memory, clock));
            }
        }
        finally
        {
            await browser.DisposeAsync();
            playwright.Dispose();
        }
        Report(results, memory, watchers, lab.PeakResidentMib(), output, pin);
    }

    /// <summary>
    /// One run, watched by <paramref name="watchers"/> pages from its first step: queued and at once stopped
    /// (before the lab's worker claims it), the pages opened on its run page, then resumed, so the run trains
    /// from scratch with every page already subscribed.
    /// </summary>
    private static async Task<Trial> Measure(Lab lab, RunStore store, IBrowser browser, int watchers, int steps, string name,
        List<(double, double)> memory, Stopwatch clock)
    {
        long id = QueueHeld(store, Config(name, steps));
        var pages = new List<IPage>();
        for (int i = 0; i < watchers; i++)
        {
            var page = await browser.NewPageAsync(new BrowserNewPageOptions { ViewportSize = new ViewportSize { Width = 1280, Height = 900 } });
            page.SetDefaultTimeout(120_000);
            if (i > 0) await page.RouteAsync("**/_content/Plotly.Blazor/plotly-*.min*.js", route => route.FulfillAsync(new RouteFulfillOptions { ContentType = "text/javascript", Body = PlotlyStub }));
            await page.GotoAsync($"{lab.Url}runs/{id}");
            await page.Locator(".run-header .status-chip[data-status='stopped']").WaitForAsync();
            await page.WaitForFunctionAsync("() => !!window.Plotly"); // charts ready before the run starts
            pages.Add(page);
        }
        store.Requeue(id);
        while (store.Find(id)!.Status is RunStatus.Queued or RunStatus.Stopped) await Task.Delay(50);
        double cpuStart = lab.CpuSeconds();
        var threadsStart = lab.ThreadCpu();
        long residentPeak = 0;
        while (store.Find(id)!.Status == RunStatus.Running)
        {
            long resident = lab.ResidentBytes();
            residentPeak = Math.Max(residentPeak, resident);
            memory.Add((clock.Elapsed.TotalSeconds, resident / 1048576.0));
            await Task.Delay(250);
        }
        double cpu = lab.CpuSeconds() - cpuStart;
        var serving = Lab.Delta(threadsStart, lab.ThreadCpu()).Where(t => Lab.IsServing(t.Key)).Sum(t => t.Value);
        int charted = 0;
        if (pages.Count > 0) await pages[0].ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(Output, $"{name}-page.png"), FullPage = true });
        foreach (var page in pages)
        {
            charted += await page.EvaluateAsync<int>("() => { const d = document.querySelector(\".chart-box[data-chart^='Loss'] > div[id]\"); return d && d.data ? Math.max(0, ...d.data.map(t => t.x.length)) : 0; }");
            await page.CloseAsync();
        }
        var run = store.Find(id)!;
        if (run.Status != RunStatus.Completed) throw new InvalidOperationException($"run {id} ended {run.Status}: {run.Message}");
        var stepMs = store.Metrics(id, MetricKind.Step, "items_per_s").Where(p => p.Value > 0).OrderBy(p => p.Step)
            .Select(p => 1000.0 * 100 / p.Value!.Value).ToArray();
        int stepCount = Math.Max(1, stepMs.Length);
        var trial = new Trial(name, watchers, stepMs, Median(stepMs.Skip(5).ToArray()), cpu / stepCount * 1000, serving / stepCount * 1000,
            residentPeak / 1048576.0, watchers == 0 ? 0 : charted / (double)watchers);
        string charts = watchers > 0 ? string.Create(CultureInfo.InvariantCulture, $", each page charted {trial.PointsPerPage:F0} of {stepMs.Length} steps") : "";
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"{name,-10} watchers {watchers,2}: median step {trial.MedianStepMs,7:F1} ms, lab CPU {trial.CpuMsPerStep,6:F1} ms/step (serving threads {trial.ServingCpuMsPerStep,5:F1}), peak RSS {trial.PeakResidentMib,6:F0} MiB{charts}"));
        return trial;
    }

    /// <summary>
    /// Plotly for all watching pages but the first: it keeps what the lab sends (gd.data) without drawing it.
    /// The drawing happens on each watcher's own machine; on this benchmark's machine twenty pages drawing
    /// four live charts would only measure the CPU Chromium takes. What the lab does per watcher (circuit
    /// state, render diff, the chart data sent over SignalR) is the same either way.
    /// </summary>
    private const string PlotlyStub = """
        window.Plotly = (() => {
            const keep = (id, data, layout) => { const gd = typeof id === 'string' ? document.getElementById(id) : id; if (gd) { gd.data = data; gd.layout = layout; } return Promise.resolve(gd); };
            const nothing = () => Promise.resolve();
            const extend = (id, update, indices) => {
                const gd = typeof id === 'string' ? document.getElementById(id) : id;
                if (gd && gd.data) indices.forEach((t, k) => { const trace = gd.data[t < 0 ? gd.data.length + t : t]; if (update.x) trace.x.push(...update.x[k]); if (update.y) trace.y.push(...update.y[k]); });
                return Promise.resolve(gd);
            };
            return { newPlot: keep, react: keep, relayout: nothing, restyle: nothing, update: nothing, purge: nothing, extendTraces: extend, prependTraces: nothing,
                     addTraces: nothing, deleteTraces: nothing, toImage: () => Promise.resolve(''), downloadImage: nothing, Plots: { resize: nothing } };
        })();
        """;

    /// <summary>Queues a run that waits, stopped before it started; a run the worker claimed first is stopped and queued again.</summary>
    private static long QueueHeld(RunStore store, RunConfig config)
    {
        while (true)
        {
            long id = store.Queue(config);
            if (store.RequestStop(id) == RunStatus.Stopped) return id;
            while (store.Find(id)!.Status == RunStatus.Running) Thread.Sleep(100);
            store.Delete(id);
        }
    }

    private static RunConfig Config(string name, int steps)
    {
        var template = Path.Combine(RepoRoot(), "experiments", "fashion-mnist", "triplet.json");
        return ConfigJson.Load(template,
        [
            $"name=\"bench-{name}\"", "training.epochs=1", $"training.maxStepsPerEpoch={steps}", $"data.trainLimit={steps * 100}",
            "training.evaluateEvery=0", "evaluation.perClass=20", "evaluation.queries=20",
        ]);
    }

    private static void Report(List<Trial> trials, List<(double Seconds, double Mib)> memory, int watchers, double labPeakMib, string output, bool pin)
    {
        var alone = trials.Where(t => t.Watchers == 0).ToList();
        var watched = trials.Where(t => t.Watchers > 0).ToList();
        double stepAlone = Median(alone.Select(t => t.MedianStepMs).ToArray());
        double stepWatched = Median(watched.Select(t => t.MedianStepMs).ToArray());
        double cpuAlone = Median(alone.Select(t => t.CpuMsPerStep).ToArray());
        double cpuWatched = Median(watched.Select(t => t.CpuMsPerStep).ToArray());
        double servingAlone = Median(alone.Select(t => t.ServingCpuMsPerStep).ToArray());
        double servingWatched = Median(watched.Select(t => t.ServingCpuMsPerStep).ToArray());
        double trainingCpu = cpuAlone - servingAlone;
        double servingShare = (servingWatched - servingAlone) / trainingCpu;
        double slowdown = stepWatched / stepAlone - 1;
        double peakWatched = watched.Max(t => t.PeakResidentMib);
        Console.WriteLine();
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"median step: {stepAlone:F1} ms alone, {stepWatched:F1} ms with {watchers} watchers: slowdown {slowdown * 100:F1} % (goal < 5 %)"));
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"lab CPU per step: {cpuAlone:F1} ms alone, {cpuWatched:F1} ms watched ({(cpuWatched / cpuAlone - 1) * 100:+0.0;-0.0} %)"));
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"serving threads per step: {servingAlone:F2} ms alone, {servingWatched:F2} ms with {watchers} watchers: {servingWatched - servingAlone:F2} ms per step for the watchers = {servingShare * 100:F1} % of the training's {trainingCpu:F1} ms (goal < 5 %)"));
        Console.WriteLine($"load average while measuring: {File.ReadAllText("/proc/loadavg").Trim()}");
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"lab resident memory: peak {peakWatched:F0} MiB while watched, VmHWM {labPeakMib:F0} MiB over the whole benchmark (goal < 1024 MiB)"));

        var summary = new
        {
            watchers,
            pinned = pin,
            cpus = Environment.ProcessorCount,
            medianStepMsAlone = stepAlone,
            medianStepMsWatched = stepWatched,
            slowdownPercent = slowdown * 100,
            cpuMsPerStepAlone = cpuAlone,
            cpuMsPerStepWatched = cpuWatched,
            servingCpuMsPerStepAlone = servingAlone,
            servingCpuMsPerStepWatched = servingWatched,
            servingCostPercentOfTraining = servingShare * 100,
            loadAverage = File.ReadAllText("/proc/loadavg").Trim(),
            peakResidentMibWatched = peakWatched,
            labVmHwmMib = labPeakMib,
            trials,
        };
        File.WriteAllText(Path.Combine(output, "summary.json"), JsonSerializer.Serialize(summary, new JsonSerializerOptions { WriteIndented = true }));
        var series = trials.Select((t, i) => new Series($"{t.Name} (median {t.MedianStepMs:F0} ms)",
            Enumerable.Range(0, t.StepMs.Length).Select(s => (double)s).ToArray(), ExponentialSmoothing.Ema(t.StepMs, 0.8),
            Dashed: t.Watchers == 0)).ToList();
        RunCharts.Metric(Path.Combine(output, "step-time.png"),
            string.Create(CultureInfo.InvariantCulture, $"Training step time, alone (dashed) and with {watchers} browsers watching: {slowdown * 100:+0.0;-0.0} %"),
            "ms per step (smoothed 0.8)", series, xLabel: "step");
        RunCharts.Metric(Path.Combine(output, "memory.png"), $"Web lab resident memory during the benchmark (peak {peakWatched:F0} MiB watched)", "MiB",
            [new Series("lab RSS", memory.Select(m => m.Seconds).ToArray(), memory.Select(m => m.Mib).ToArray())], xLabel: "seconds");
        Console.WriteLine($"figures and summary in {output}");
    }

    private sealed record Trial(string Name, int Watchers, double[] StepMs, double MedianStepMs, double CpuMsPerStep, double ServingCpuMsPerStep,
        double PeakResidentMib, double PointsPerPage);

    private static async Task<(IPlaywright, IBrowser)> LaunchChromium(bool pin)
    {
        string executable = Chromium;
        if (pin && OperatingSystem.IsLinux())
        {
            // Chromium and its renderers on the CPUs the lab does not use.
            executable = Path.Combine(Path.GetTempPath(), $"sbirlab-chromium-{Environment.ProcessId}.sh");
            File.WriteAllText(executable, $"#!/bin/sh\nexec taskset -c 1-{Environment.ProcessorCount - 1} {Chromium} \"$@\"\n");
            File.SetUnixFileMode(executable, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        }
        var playwright = await Playwright.CreateAsync();
        var browser = await playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = executable,
            Headless = true,
            Args = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run",
                "--disable-background-timer-throttling", "--disable-renderer-backgrounding", "--disable-backgrounding-occluded-windows"],
        });
        return (playwright, browser);
    }

    /// <summary>The lab in its own process, as a person starts it.</summary>
    private sealed partial class Lab : IDisposable
    {
        private readonly Process _process;

        private Lab(Process process) => _process = process;

        public string Url { get; private set; } = "";
        public int Pid => _process.Id;

        public static async Task<Lab> StartAsync(string data, bool pin, int liveIntervalMs, int liveUpdatesPerSecond)
        {
            Directory.CreateDirectory(data);
            string dll = Path.Combine(RepoRoot(), "src", "SbirLab.Web", "bin", Configuration(), "net10.0", "SbirLab.Web.dll");
            var info = new ProcessStartInfo(pin ? "taskset" : "dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false, WorkingDirectory = data };
            foreach (var arg in (string[])[.. pin ? ["-c", "0", "dotnet"] : Array.Empty<string>(), dll, "--urls", "http://127.0.0.1:0", "--data", data,
                         "--live-interval-ms", liveIntervalMs.ToString(CultureInfo.InvariantCulture), "--live-updates-per-s", liveUpdatesPerSecond.ToString(CultureInfo.InvariantCulture)])
                info.ArgumentList.Add(arg);
            if (pin) info.Environment["OMP_NUM_THREADS"] = "1";
            info.Environment["Logging__LogLevel__Default"] = "Warning";
            var lab = new Lab(Process.Start(info)!);
            var address = new TaskCompletionSource<string>(TaskCreationOptions.RunContinuationsAsynchronously);
            lab._process.OutputDataReceived += (_, e) =>
            {
                if (e.Data is { } line && Listening().Match(line) is { Success: true } m) address.TrySetResult(m.Groups[1].Value);
            };
            lab._process.ErrorDataReceived += (_, e) => { if (e.Data is { Length: > 0 } line) Console.Error.WriteLine("lab: " + line); };
            lab._process.BeginOutputReadLine();
            lab._process.BeginErrorReadLine();
            if (await Task.WhenAny(address.Task, Task.Delay(TimeSpan.FromSeconds(120))) != address.Task)
                throw new TimeoutException("the lab did not start within 120 s");
            lab.Url = (await address.Task).TrimEnd('/') + "/";
            return lab;
        }

        [GeneratedRegex(@"SbirLab web lab listening on (http://\S+)")]
        private static partial Regex Listening();

        public long ResidentBytes()
        {
            _process.Refresh();
            return _process.WorkingSet64;
        }

        /// <summary>User plus system CPU time of the lab process so far, from /proc.</summary>
        public double CpuSeconds()
        {
            _process.Refresh();
            return _process.TotalProcessorTime.TotalSeconds;
        }

        /// <summary>CPU seconds of every live thread of the lab: thread id → (name, seconds), from /proc/pid/task.</summary>
        public Dictionary<int, (string Name, double Seconds)> ThreadCpu()
        {
            var threads = new Dictionary<int, (string, double)>();
            foreach (var dir in Directory.EnumerateDirectories($"/proc/{Pid}/task"))
            {
                try
                {
                    string stat = File.ReadAllText(Path.Combine(dir, "stat"));
                    int open = stat.IndexOf('('), close = stat.LastIndexOf(')');
                    var fields = stat[(close + 2)..].Split(' ');
                    double ticks = double.Parse(fields[11], CultureInfo.InvariantCulture) + double.Parse(fields[12], CultureInfo.InvariantCulture);
                    threads[int.Parse(Path.GetFileName(dir), CultureInfo.InvariantCulture)] = (stat[(open + 1)..close], ticks / 100.0);
                }
                catch (Exception e) when (e is IOException or UnauthorizedAccessException) { /* the thread ended meanwhile */ }
            }
            return threads;
        }

        /// <summary>CPU each thread name used between two snapshots (threads that ended in between are not counted).</summary>
        public static Dictionary<string, double> Delta(Dictionary<int, (string Name, double Seconds)> before, Dictionary<int, (string Name, double Seconds)> after) =>
            after.GroupBy(t => t.Value.Name).ToDictionary(g => g.Key,
                g => g.Sum(t => t.Value.Seconds - (before.TryGetValue(t.Key, out var b) && b.Name == t.Value.Name ? b.Seconds : 0)));

        /// <summary>
        /// Threads that serve browsers: the thread pool (circuits, SignalR, Kestrel), the socket engine and timers.
        /// Training runs on its own long-running threads (the run and its batch loaders) and native torch threads.
        /// </summary>
        public static bool IsServing(string threadName) =>
            threadName.StartsWith(".NET TP", StringComparison.Ordinal) || threadName.StartsWith(".NET Sock", StringComparison.Ordinal)
            || threadName.StartsWith(".NET Timer", StringComparison.Ordinal);

        /// <summary>The process's peak resident set (VmHWM).</summary>
        public double PeakResidentMib()
        {
            var line = File.ReadLines($"/proc/{Pid}/status").FirstOrDefault(l => l.StartsWith("VmHWM:", StringComparison.Ordinal));
            return line is null ? double.NaN : double.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], CultureInfo.InvariantCulture) / 1024;
        }

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

    private static string Configuration() => new DirectoryInfo(AppContext.BaseDirectory).Parent!.Name;

    private static string RepoRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "SbirLab.sln"))) return dir.FullName;
        throw new DirectoryNotFoundException("SbirLab.sln not found above " + AppContext.BaseDirectory);
    }

    private static double Median(double[] values)
    {
        if (values.Length == 0) return double.NaN;
        var sorted = values.Order().ToArray();
        return sorted.Length % 2 == 1 ? sorted[sorted.Length / 2] : (sorted[sorted.Length / 2 - 1] + sorted[sorted.Length / 2]) / 2;
    }

    private static int Arg(string[] args, string name, int fallback)
    {
        int i = Array.IndexOf(args, name);
        return i >= 0 && i + 1 < args.Length && int.TryParse(args[i + 1], CultureInfo.InvariantCulture, out var v) ? v : fallback;
    }

    private static string ArgText(string[] args, string name, string fallback)
    {
        int i = Array.IndexOf(args, name);
        return i >= 0 && i + 1 < args.Length ? args[i + 1] : fallback;
    }

    private static bool Flag(string[] args, string name) => args.Contains(name);
}
