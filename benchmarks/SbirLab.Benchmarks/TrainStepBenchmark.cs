using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using SbirLab.Engine;
using SbirLab.Core.Configs;
using SbirLab.Engine.Datasets;
using SbirLab.Engine.Models;
using SbirLab.Engine.Training;
using static TorchSharp.torch;

namespace SbirLab.Benchmarks;

/// <summary>
/// Trains seed 004's ConvNet for a fixed number of steps with our engine (the trainer's own objective and
/// optimizer) and with benchmarks/pytorch/convnet_bench.py under Debian's python3-torch: same data, batch
/// size, thread count, optimizer and loss. Prints ms per step for each, the ratio, and peak memory.
/// </summary>
public static class TrainStepBenchmark
{
    public static void Run(string[] args)
    {
        int steps = Arg(args, "--steps", 200);
        int warmup = Arg(args, "--warmup", 20);
        string loss = ArgText(args, "--loss", "ce");
        int threads = Environment.ProcessorCount;
        Console.WriteLine($"seed-004 ConvNet, batch 100, {steps} timed steps after {warmup} warm-up, {threads} threads, loss {loss}, device {TorchRuntime.Describe()}");
        double ours = OursMsPerStep(steps, warmup, loss);
        double peakMib = Process.GetCurrentProcess().PeakWorkingSet64 / 1048576.0;
        var peer = PyTorchMsPerStep(steps, warmup, loss, threads, tunedAllocator: false);
        // Our engine keeps freed tensor memory in glibc's heap (NativeAllocator); PyTorch as installed does not.
        // The second peer gets the same allocator settings, so the engines themselves are compared too.
        var tunedPeer = peer is null ? null : PyTorchMsPerStep(steps, warmup, loss, threads, tunedAllocator: true);
        Console.WriteLine();
        Console.WriteLine($"{"engine",-56}{"ms/step",10}{"peak RSS MiB",15}");
        Console.WriteLine($"{$"SbirLab (TorchSharp 0.107, allocator tuned: {NativeAllocator.Tuned})",-56}{ours,10:F2}{peakMib,15:F0}");
        foreach (var (p, label) in new[] { (peer, "as installed"), (tunedPeer, "same allocator settings") })
        {
            if (p is null) continue;
            Console.WriteLine($"{$"PyTorch {p.Version} ({label})",-56}{p.Ms,10:F2}{p.PeakMib,15:F0}");
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"ratio SbirLab / PyTorch ({label}): {ours / p.Ms:F3} (goal <= 1.0)"));
        }
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"SbirLab peak resident memory: {peakMib:F0} MiB (goal < 2048 MiB)"));
    }

    private static double OursMsPerStep(int steps, int warmup, string loss)
    {
        var config = new RunConfig
        {
            Loss = loss == "triplet"
                ? new LossConfig { Embedding = EmbeddingLossKind.Triplet, EmbeddingWeight = 1, CrossEntropyWeight = 0, Margin = 0.2, Anchors = 10 }
                : new LossConfig { Embedding = EmbeddingLossKind.None, CrossEntropyWeight = 1 },
            Optimizer = new OptimizerConfig { LearningRate = 0.05, Momentum = 0.9, WeightDecay = 1e-4 },
        };
        manual_seed(1);
        var split = FashionMnist.Load("train");
        using var set = DataBundles.Photos(split, Enumerable.Range(0, split.Count).ToArray());
        using var model = ModelFactory.Create(config, 10, _ => { });
        model.train();
        using var optimizer = new Optimizer(model.named_parameters(), config.Optimizer);
        var objective = new Objective(config, CPU);
        var order = Enumerable.Range(0, split.Count).ToArray();
        new Random(1).Shuffle(order);
        var domains = Enumerable.Repeat(Domain.Photo, 100).ToArray();
        void Step(int i)
        {
            using var scope = NewDisposeScope();
            int start = i * 100 % (split.Count - 100);
            var batch = order[start..(start + 100)];
            var images = set.Batch(batch);
            var labels = tensor(batch.Select(b => set.Labels[b]).ToArray());
            optimizer.ZeroGrad();
            var result = objective.Compute(model, images, labels, domains, i);
            result.Total.backward();
            optimizer.Step(0.05);
        }
        for (int i = 0; i < warmup; i++) Step(i);
        var watch = Stopwatch.StartNew();
        for (int i = 0; i < steps; i++) Step(warmup + i);
        return watch.Elapsed.TotalMilliseconds / steps;
    }

    private sealed record Peer(double Ms, double PeakMib, string Version);

    private static Peer? PyTorchMsPerStep(int steps, int warmup, string loss, int threads, bool tunedAllocator)
    {
        string script = Path.Combine(RepoRoot(), "benchmarks", "pytorch", "convnet_bench.py");
        var start = new ProcessStartInfo("/usr/bin/python3", $"{script} --steps {steps} --warmup {warmup} --loss {loss} --threads {threads} --data {FashionMnist.ResolveFolder(null)}")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        if (tunedAllocator)
            foreach (var (name, value) in NativeAllocator.AsEnvironment) start.Environment[name] = value;
        try
        {
            using var process = Process.Start(start)!;
            string output = process.StandardOutput.ReadToEnd();
            string errors = process.StandardError.ReadToEnd();
            process.WaitForExit();
            if (process.ExitCode != 0)
            {
                Console.WriteLine($"PyTorch peer failed (install python3-torch): {errors.Trim()}");
                return null;
            }
            var json = JsonDocument.Parse(output.Trim().Split('\n')[^1]).RootElement;
            return new Peer(json.GetProperty("ms_per_step").GetDouble(), json.GetProperty("peak_rss_mib").GetDouble(), json.GetProperty("torch").GetString() ?? "?");
        }
        catch (System.ComponentModel.Win32Exception e)
        {
            Console.WriteLine($"PyTorch peer not run: {e.Message} (apt-get install python3-torch)");
            return null;
        }
    }

    internal static string RepoRoot()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "SbirLab.sln"))) dir = dir.Parent;
        return dir?.FullName ?? Directory.GetCurrentDirectory();
    }

    internal static int Arg(string[] args, string name, int fallback)
    {
        int i = Array.IndexOf(args, name);
        return i >= 0 && i + 1 < args.Length ? int.Parse(args[i + 1], CultureInfo.InvariantCulture) : fallback;
    }

    internal static string ArgText(string[] args, string name, string fallback)
    {
        int i = Array.IndexOf(args, name);
        return i >= 0 && i + 1 < args.Length ? args[i + 1] : fallback;
    }
}
