using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using SbirLab.Core.Configs;
using SbirLab.Engine.Datasets;

namespace SbirLab.Benchmarks;

/// <summary>
/// Trains seed 004's ConvNet for whole epochs with cross-entropy, the batch-all triplet loss and Smooth-AP, in
/// our engine (the real trainer on the fashion-mnist templates, in a child process of this benchmark) and in
/// benchmarks/pytorch/epoch_bench.py (python3-torch) on the same training images, batch 100, 2 threads,
/// alternating ours and PyTorch's so that a busy machine slows both alike. PyTorch runs twice: as installed, and
/// with the OpenMP wait policy our engine gives itself (<see cref="SbirLab.Engine.OpenMpWaitPolicy"/>), so the
/// engines themselves are compared too. Prints seconds per epoch and the peak resident memory of each process,
/// and the ratios.
/// </summary>
public static class EpochBenchmark
{
    private const int Threads = 2;

    private sealed record Result(double[] EpochSeconds, double PeakMib);

    private sealed record Row(string Loss, Result Ours, Result Peer, Result TunedPeer);

    public static void Run(string[] args)
    {
        int epochs = TrainStepBenchmark.Arg(args, "--epochs", 2);
        int trainLimit = TrainStepBenchmark.Arg(args, "--train-limit", 10000);
        int alternations = TrainStepBenchmark.Arg(args, "--alternations", 2);
        var losses = TrainStepBenchmark.ArgText(args, "--losses", "ce,triplet,smooth-ap").Split(',');
        var indices = WriteTrainIndices(trainLimit);
        Console.WriteLine($"seed-004 ConvNet, batch 100, {Threads} threads, {epochs} epochs of {File.ReadLines(indices).Count()} FashionMNIST training images, {alternations} alternations");
        Console.WriteLine($"{"loss",-10}{"round",6}  {"engine",-24}{"s/epoch (each)",20}{"peak RSS MiB",14}");
        var rows = new List<Row>();
        try
        {
            for (int round = 1; round <= alternations; round++)
            {
                foreach (var loss in losses)
                {
                    var ours = Ours(loss, epochs, trainLimit);
                    Print(loss, round, "SbirLab", ours);
                    var peer = Peer(loss, epochs, indices, tuned: false);
                    Print(loss, round, "PyTorch", peer);
                    var tunedPeer = Peer(loss, epochs, indices, tuned: true);
                    Print(loss, round, "PyTorch (OMP passive)", tunedPeer);
                    rows.Add(new Row(loss, ours, peer, tunedPeer));
                }
            }
        }
        finally
        {
            File.Delete(indices);
        }

        Console.WriteLine();
        Console.WriteLine("means over rounds of the seconds per epoch; peak RSS: the largest of the rounds; goal: ratio <= 0.8, memory <= PyTorch's");
        Console.WriteLine($"{"loss",-10}{"SbirLab s",10}{"PyTorch s",10}{"ratio",7}{"PyT passive s",14}{"ratio",7}{"SbirLab MiB",13}{"PyTorch MiB",13}");
        foreach (var group in rows.GroupBy(r => r.Loss))
        {
            double ours = group.Average(r => r.Ours.EpochSeconds.Average());
            double peer = group.Average(r => r.Peer.EpochSeconds.Average());
            double tuned = group.Average(r => r.TunedPeer.EpochSeconds.Average());
            double oursMib = group.Max(r => r.Ours.PeakMib);
            double peerMib = group.Max(r => Math.Max(r.Peer.PeakMib, r.TunedPeer.PeakMib));
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"{group.Key,-10}{ours,10:F2}{peer,10:F2}{ours / peer,7:F3}{tuned,14:F2}{ours / tuned,7:F3}{oursMib,13:F0}{peerMib,13:F0}"));
        }
    }

    /// <summary>The child side: trains one template for whole epochs with the real trainer and prints one JSON line.</summary>
    public static void RunOurs(string[] args)
    {
        string loss = TrainStepBenchmark.ArgText(args, "--loss", "ce");
        int epochs = TrainStepBenchmark.Arg(args, "--epochs", 2);
        int trainLimit = TrainStepBenchmark.Arg(args, "--train-limit", 10000);
        // One epoch more than timed, stopped as soon as the timed ones end: the last epoch's evaluation never runs.
        // --set path=value (repeatable) changes the template further, to try one setting in the same harness.
        var sets = args.Select((a, i) => (a, i)).Where(p => p.a == "--set" && p.i + 1 < args.Length).Select(p => args[p.i + 1]);
        var config = ConfigJson.Load(TimedTrainerRun.Template(loss),
        [
            $"training.epochs={epochs + 1}", "training.evaluateEvery=0", $"data.trainLimit={trainLimit}", .. sets,
        ]);
        var run = TimedTrainerRun.Train(config, r => r.EpochEnds.Count >= epochs);
        Console.WriteLine(JsonSerializer.Serialize(new { epoch_seconds = run.EpochSeconds(), peak_rss_mib = TimedTrainerRun.PeakResidentMib() }));
    }

    private static void Print(string loss, int round, string engine, Result r) =>
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"{loss,-10}{round,6}  {engine,-24}{string.Join(" ", r.EpochSeconds.Select(s => s.ToString("F2", CultureInfo.InvariantCulture))),20}{r.PeakMib,14:F0}"));

    /// <summary>The training images our run uses (data.trainLimit's seeded subset), one index a line, for the peer.</summary>
    private static string WriteTrainIndices(int trainLimit)
    {
        var config = ConfigJson.Load(TimedTrainerRun.Template("ce"));
        int count = FashionMnist.Load("train").Count;
        var path = Path.Combine(Path.GetTempPath(), $"sbirlab-epoch-indices-{Environment.ProcessId}.txt");
        File.WriteAllLines(path, DataBundles.TrainSubset(count, trainLimit, config.Seed).Select(i => i.ToString(CultureInfo.InvariantCulture)));
        return path;
    }

    private static Result Ours(string loss, int epochs, int trainLimit) =>
        Launch(Environment.ProcessPath!, $"epoch-run --loss {loss} --epochs {epochs} --train-limit {trainLimit}", ours: true);

    private static Result Peer(string loss, int epochs, string indices, bool tuned)
    {
        string script = Path.Combine(TrainStepBenchmark.RepoRoot(), "benchmarks", "pytorch", "epoch_bench.py");
        return Launch("/usr/bin/python3",
            $"{script} --loss {loss} --epochs {epochs} --threads {Threads} --indices {indices} --data {FashionMnist.ResolveFolder(null)}", ours: false,
            tuned ? SbirLab.Engine.OpenMpWaitPolicy.AsEnvironment : null);
    }

    private static Result Launch(string program, string arguments, bool ours, IReadOnlyDictionary<string, string>? environment = null)
    {
        var start = new ProcessStartInfo(program, arguments) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var (name, value) in environment ?? new Dictionary<string, string>()) start.Environment[name] = value;
        // Our engine takes its thread count from the cores it is given; pin it to the peer's 2.
        if (ours) start.Environment["DOTNET_PROCESSOR_COUNT"] = Threads.ToString(CultureInfo.InvariantCulture);
        using var process = Process.Start(start) ?? throw new InvalidOperationException($"Could not start {program}.");
        var errors = process.StandardError.ReadToEndAsync();
        string output = process.StandardOutput.ReadToEnd();
        process.WaitForExit();
        if (process.ExitCode != 0)
            throw new InvalidOperationException($"{Path.GetFileName(program)} failed ({(ours ? "our engine" : "install python3-torch")}): {errors.Result.Trim()}");
        var json = JsonDocument.Parse(output.Trim().Split('\n')[^1]).RootElement;
        return new Result([.. json.GetProperty("epoch_seconds").EnumerateArray().Select(e => e.GetDouble())], json.GetProperty("peak_rss_mib").GetDouble());
    }
}
