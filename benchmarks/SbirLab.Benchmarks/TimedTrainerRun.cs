using System.Diagnostics;
using SbirLab.Core.Configs;
using SbirLab.Core.Runs;
using SbirLab.Engine.Training;

namespace SbirLab.Benchmarks;

/// <summary>
/// Runs the real <see cref="Trainer"/> on a config and records the wall-clock time of its start, of every step
/// and of every epoch; when <c>enough</c> says so it stops the run the way a user's stop does (between two
/// steps, with a checkpoint), so no evaluation is ever timed or counted in the memory peak.
/// </summary>
internal sealed class TimedTrainerRun : ITrainingObserver
{
    private readonly Stopwatch _clock = new();
    private readonly CancellationTokenSource _stop = new();
    private readonly Func<TimedTrainerRun, bool> _enough;

    private TimedTrainerRun(Func<TimedTrainerRun, bool> enough) => _enough = enough;

    /// <summary>Seconds from the trainer's start event to the end of each step.</summary>
    public List<double> StepEnds { get; } = [];

    /// <summary>Seconds from the trainer's start event to the end of each epoch.</summary>
    public List<double> EpochEnds { get; } = [];

    /// <summary>The trainer's own epoch figures (loss, items/s, ...).</summary>
    public List<IReadOnlyDictionary<string, double>> EpochValues { get; } = [];

    public RunOutcome? Outcome { get; private set; }

    /// <summary>Trains <paramref name="config"/> in a temporary run folder until <paramref name="enough"/> is true.</summary>
    public static TimedTrainerRun Train(RunConfig config, Func<TimedTrainerRun, bool> enough)
    {
        var run = new TimedTrainerRun(enough);
        var folder = Path.Combine(Path.GetTempPath(), "sbirlab-bench-" + Guid.NewGuid().ToString("N"));
        try
        {
            run.Outcome = Trainer.Run(ConfigValidator.ForStart(config), new RunFolder(folder), run, resumeFrom: null, run._stop.Token);
            if (run.Outcome.Status is not (RunStatus.Stopped or RunStatus.Completed))
                throw new InvalidOperationException($"The benchmark's run ended {run.Outcome.Status}: {run.Outcome.Message}");
            return run;
        }
        finally
        {
            if (Directory.Exists(folder)) Directory.Delete(folder, recursive: true);
        }
    }

    public void OnStart(RunStart start) => _clock.Restart();

    public void OnStep(StepMetrics step)
    {
        StepEnds.Add(_clock.Elapsed.TotalSeconds);
        if (_enough(this)) _stop.Cancel();
    }

    public void OnEpoch(EpochMetrics epoch)
    {
        EpochEnds.Add(_clock.Elapsed.TotalSeconds);
        EpochValues.Add(epoch.Values);
        if (_enough(this)) _stop.Cancel();
    }

    /// <summary>The seconds each epoch took: the time between consecutive epoch ends (the first from the start).</summary>
    public double[] EpochSeconds() => [.. EpochEnds.Select((end, i) => end - (i == 0 ? 0 : EpochEnds[i - 1]))];

    /// <summary>The peak resident memory of this process so far (VmHWM), in MiB.</summary>
    public static double PeakResidentMib()
    {
        var line = File.ReadLines("/proc/self/status").FirstOrDefault(l => l.StartsWith("VmHWM:", StringComparison.Ordinal));
        return line is null ? Process.GetCurrentProcess().PeakWorkingSet64 / 1048576.0
            : long.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], System.Globalization.CultureInfo.InvariantCulture) / 1024.0;
    }

    /// <summary>The fashion-mnist template a benchmark loss name stands for ("ce", "triplet" or "smooth-ap").</summary>
    public static string Template(string loss) => Path.Combine(TrainStepBenchmark.RepoRoot(), "experiments", "fashion-mnist", loss switch
    {
        "ce" => "classification.json",
        "triplet" => "triplet.json",
        "smooth-ap" => "smooth-ap.json",
        _ => throw new ArgumentException($"Unknown loss '{loss}'. Allowed: ce, triplet, smooth-ap.", nameof(loss)),
    });
}
