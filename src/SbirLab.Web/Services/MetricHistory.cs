using SbirLab.Engine.Training;
using SbirLab.Runs;
using SbirLab.Store.Entities;

namespace SbirLab.Web.Services;

/// <summary>
/// The curves of one run as the charts draw them: per metric name, values by step (training steps) and by
/// epoch. Points from the store and from the live stream merge by their step or epoch, so a point seen
/// twice (history loaded while the stream already delivered it) is drawn once and a gap left by the
/// stream is filled by the next reload.
/// </summary>
public sealed class MetricHistory
{
    private readonly Dictionary<string, SortedDictionary<long, double>> _steps = new(StringComparer.Ordinal);
    private readonly Dictionary<string, SortedDictionary<long, double>> _epochs = new(StringComparer.Ordinal);
    private readonly Dictionary<long, long> _epochEnds = [];

    /// <summary>Bumped whenever a point is added or changed.</summary>
    public long Version { get; private set; }

    /// <summary>The highest step seen, −1 when none.</summary>
    public long LastStep { get; private set; } = -1;

    public IReadOnlyCollection<string> StepNames => _steps.Keys;
    public IReadOnlyCollection<string> EpochNames => _epochs.Keys;

    public void AddStep(long step, IReadOnlyDictionary<string, double> values)
    {
        foreach (var (name, value) in values) Put(_steps, name, step, value);
        LastStep = Math.Max(LastStep, step);
    }

    /// <param name="step">The global step count when the epoch ended.</param>
    public void AddEpoch(int epoch, long step, IReadOnlyDictionary<string, double> values)
    {
        foreach (var (name, value) in values) Put(_epochs, name, epoch, value);
        _epochEnds[epoch] = step;
    }

    /// <summary>The step axis position of each epoch's end (the step count when it ended, minus one), for the given 1-based epochs.</summary>
    public double[] EpochEndSteps(IEnumerable<double> epochNumbers) =>
        epochNumbers.Select(e => _epochEnds.TryGetValue((long)e - 1, out var step) ? step - 1.0 : double.NaN).ToArray();

    /// <summary>Adds points read from the store.</summary>
    public void Merge(IEnumerable<MetricPoint> points)
    {
        foreach (var point in points)
        {
            double value = point.Value ?? double.NaN;
            if (point.Kind == MetricKind.Step)
            {
                Put(_steps, point.Name, point.Step, value);
                LastStep = Math.Max(LastStep, point.Step);
            }
            else
            {
                Put(_epochs, point.Name, point.Epoch, value);
                _epochEnds[point.Epoch] = point.Step;
            }
        }
    }

    /// <summary>Applies a live event; true when it carried metric points.</summary>
    public bool Apply(RunEvent runEvent)
    {
        switch (runEvent)
        {
            case RunStepEvent step:
                AddStep(step.Metrics.Step, step.Metrics.Values);
                return true;
            case RunEpochEvent epoch:
                AddEpoch(epoch.Metrics.Epoch, epoch.Metrics.Step, epoch.Metrics.Values);
                return true;
            case RunStarted started:
                DropFrom(started.Start.StartStep, started.Start.StartEpoch);
                return true;
            default:
                return false;
        }
    }

    /// <summary>Values of a step metric in step order.</summary>
    public (double[] X, double[] Y) Steps(string name) => Series(_steps, name, 0);

    /// <summary>Values of an epoch metric, x being the 1-based epoch number.</summary>
    public (double[] X, double[] Y) Epochs(string name) => Series(_epochs, name, 1);

    /// <summary>Every epoch metric's values in epoch order (what <see cref="FinalMetrics.Of"/> reads).</summary>
    public IReadOnlyDictionary<string, double[]> EpochValues() =>
        _epochs.Keys.ToDictionary(name => name, name => Epochs(name).Y, StringComparer.Ordinal);

    /// <summary>The value at the last epoch that has one, or null.</summary>
    public double? LastEpochValue(string name) =>
        _epochs.TryGetValue(name, out var points) && points.Count > 0 ? points.Last().Value : null;

    /// <summary>
    /// A resumed run restarts at a checkpoint: what an earlier attempt logged after it is replaced by what
    /// the new attempt logs, as the store does.
    /// </summary>
    public void DropFrom(long step, int epoch)
    {
        foreach (var points in _steps.Values)
            foreach (var key in points.Keys.Where(k => k >= step).ToList()) points.Remove(key);
        foreach (var points in _epochs.Values)
            foreach (var key in points.Keys.Where(k => k >= epoch).ToList()) points.Remove(key);
        foreach (var key in _epochEnds.Keys.Where(k => k >= epoch).ToList()) _epochEnds.Remove(key);
        LastStep = Math.Min(LastStep, step - 1);
        Version++;
    }

    private void Put(Dictionary<string, SortedDictionary<long, double>> table, string name, long key, double value)
    {
        if (!table.TryGetValue(name, out var points)) table[name] = points = new SortedDictionary<long, double>();
        if (points.TryGetValue(key, out var old) && old.Equals(value)) return;
        points[key] = value;
        Version++;
    }

    private static (double[] X, double[] Y) Series(Dictionary<string, SortedDictionary<long, double>> table, string name, int offset)
    {
        if (!table.TryGetValue(name, out var points)) return ([], []);
        return (points.Keys.Select(k => (double)(k + offset)).ToArray(), points.Values.ToArray());
    }
}
