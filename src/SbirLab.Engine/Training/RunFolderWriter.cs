using System.Globalization;
using System.Text;
using SbirLab.Core.Runs;

namespace SbirLab.Engine.Training;

/// <summary>
/// Writes a run's progress into its <see cref="RunFolder"/>: metrics as long-format CSV
/// (step,epoch,name,value), and the log. Files are appended and flushed per epoch and at the end,
/// so a killed run keeps what it had written. On resume, rows at or after the restart step are
/// dropped first, so no step is counted twice.
/// </summary>
public sealed class RunFolderWriter : ITrainingObserver, IDisposable
{
    private readonly RunFolder _folder;
    private StreamWriter? _steps;
    private StreamWriter? _epochs;
    private StreamWriter? _log;

    public RunFolderWriter(RunFolder folder)
    {
        _folder = folder.Create();
        _log = new StreamWriter(_folder.Log, append: true, Encoding.UTF8); // open now: data loading logs before the start
    }

    public void OnStart(RunStart start)
    {
        _steps = OpenTruncated(_folder.StepMetrics, "step,epoch,name,value", start.StartStep, column: 0);
        _epochs = OpenTruncated(_folder.EpochMetrics, "epoch,step,name,value", start.StartEpoch, column: 0);
        OnLog($"start: device {start.Device}, epoch {start.StartEpoch + 1}/{start.Epochs}, step {start.StartStep}/{start.TotalSteps}; {start.Data}");
    }

    public void OnStep(StepMetrics step)
    {
        foreach (var (name, value) in step.Values)
            _steps?.WriteLine($"{step.Step},{step.Epoch},{name},{Format(value)}");
    }

    public void OnEpoch(EpochMetrics epoch)
    {
        foreach (var (name, value) in epoch.Values)
            _epochs?.WriteLine($"{epoch.Epoch},{epoch.Step},{name},{Format(value)}");
        Flush();
    }

    public void OnLog(string line)
    {
        _log?.WriteLine($"{DateTime.UtcNow:yyyy-MM-ddTHH:mm:ss.fffZ} {line}");
        _log?.Flush();
    }

    public void OnFinish(RunOutcome outcome)
    {
        OnLog($"finished: {outcome.Status.ToString().ToLowerInvariant()} after {outcome.Steps} steps: {outcome.Message}");
        Flush();
    }

    private void Flush()
    {
        _steps?.Flush();
        _epochs?.Flush();
        _log?.Flush();
    }

    /// <summary>Opens a CSV for appending after dropping rows whose key column is ≥ <paramref name="from"/>.</summary>
    private static StreamWriter OpenTruncated(string path, string header, long from, int column)
    {
        var kept = File.Exists(path)
            ? File.ReadLines(path).Skip(1).Where(line => long.Parse(line.Split(',')[column], CultureInfo.InvariantCulture) < from).ToList()
            : [];
        AtomicFile.WriteAllLines(path, [header, .. kept]);
        return new StreamWriter(path, append: true, Encoding.UTF8);
    }

    private static string Format(double value) => value.ToString("R", CultureInfo.InvariantCulture);

    public void Dispose()
    {
        _steps?.Dispose();
        _epochs?.Dispose();
        _log?.Dispose();
    }

    /// <summary>Reads a metrics CSV back as (key, name, value) rows.</summary>
    public static IEnumerable<(long Key, int Epoch, string Name, double Value)> ReadSteps(string path) =>
        File.ReadLines(path).Skip(1).Select(line => line.Split(','))
            .Select(p => (long.Parse(p[0], CultureInfo.InvariantCulture), int.Parse(p[1], CultureInfo.InvariantCulture), p[2], double.Parse(p[3], CultureInfo.InvariantCulture)));
}
