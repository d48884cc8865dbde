using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using SbirLab.Core.Configs;
using SbirLab.Engine;
using SbirLab.Engine.Datasets;
using SbirLab.Engine.Models;
using SbirLab.Engine.Training;
using static TorchSharp.torch;

namespace SbirLab.Benchmarks;

/// <summary>
/// Trains seed 004's ConvNet for a fixed number of steps with our engine (the real <see cref="Trainer"/> on the
/// fashion-mnist template) and with benchmarks/pytorch/convnet_bench.py under Debian's python3-torch: same data,
/// batch size, thread count, optimizer and loss. Prints ms per step for each, the ratio, and peak memory.
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

    /// <summary>
    /// The real trainer on the fashion-mnist template of <paramref name="loss"/>, one epoch long enough for the
    /// warm-up and the timed steps, without evaluation; the time between the end of the last warm-up step and
    /// the end of the last timed step, per step. It includes what the trainer does around a step (batch
    /// preparation on its worker, the step's metrics row).
    /// </summary>
    private static double OursMsPerStep(int steps, int warmup, string loss)
    {
        var config = ConfigJson.Load(TimedTrainerRun.Template(loss),
        [
            "training.epochs=1", $"training.maxStepsPerEpoch={warmup + steps + 1}", "training.evaluateEvery=0",
        ]);
        var run = TimedTrainerRun.Train(config, r => r.StepEnds.Count >= warmup + steps);
        var ends = run.StepEnds;
        return (ends[warmup + steps - 1] - (warmup == 0 ? 0 : ends[warmup - 1])) * 1000 / steps;
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
