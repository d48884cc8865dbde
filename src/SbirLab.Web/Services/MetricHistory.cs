using System.Runtime.InteropServices;
using SbirLab.Engine.Training;
using SbirLab.Runs;
using SbirLab.Store.Entities;

namespace SbirLab.Web.Services;

/// <summary>
/// The curves of one run as the charts draw them: per metric name, values by step (training steps) and by
/// epoch. Points from the store and from the live stream merge by their step or epoch, so a point seen
/// twice (history loaded while the stream already delivered it) is drawn once and a gap left by the
/// stream is filled by the next reload. Each curve is two flat arrays in x order (16 bytes a point), so a run
/// page of a 100,000-step run holds a few megabytes, and the charts down-sample the arrays in place.
/// </summary>
public sealed class MetricHistory
{
    private readonly Dictionary<string, Curve> _steps = new(StringComparer.Ordinal);
    private readonly Dictionary<string, Curve> _epochs = new(StringComparer.Ordinal);
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

    /// <summary>Adds a whole curve read from the store (<see cref="SbirLab.Store.RunStore.Series"/>: x the step, or the 1-based epoch).</summary>
    public void MergeSeries(MetricKind kind, string name, double[] x, double[] y)
    {
        var table = kind == MetricKind.Step ? _steps : _epochs;
        long offset = kind == MetricKind.Step ? 0 : 1;
        for (int i = 0; i < x.Length; i++) Put(table, name, (long)x[i] - offset, y[i]);
        if (kind == MetricKind.Step && x.Length > 0) LastStep = Math.Max(LastStep, (long)x[^1]);
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

    /// <summary>Values of a step metric in step order (copies).</summary>
    public (double[] X, double[] Y) Steps(string name) => Series(_steps, name, 0);

    /// <summary>A step metric's curve itself (no copy; valid until the next change), null when none was logged.</summary>
    public Curve? StepCurve(string name) => _steps.GetValueOrDefault(name);

    /// <summary>Values of an epoch metric, x being the 1-based epoch number.</summary>
    public (double[] X, double[] Y) Epochs(string name) => Series(_epochs, name, 1);

    /// <summary>Every epoch metric's values in epoch order (what <see cref="FinalMetrics.Of"/> reads).</summary>
    public IReadOnlyDictionary<string, double[]> EpochValues() =>
        _epochs.Keys.ToDictionary(name => name, name => Epochs(name).Y, StringComparer.Ordinal);

    /// <summary>The value at the last epoch that has one, or null.</summary>
    public double? LastEpochValue(string name) =>
        _epochs.TryGetValue(name, out var points) && points.Count > 0 ? points.LastValue : null;

    /// <summary>
    /// A resumed run restarts at a checkpoint: what an earlier attempt logged after it is replaced by what
    /// the new attempt logs, as the store does.
    /// </summary>
    public void DropFrom(long step, int epoch)
    {
        foreach (var points in _steps.Values) points.DropFrom(step);
        foreach (var points in _epochs.Values) points.DropFrom(epoch);
        foreach (var key in _epochEnds.Keys.Where(k => k >= epoch).ToList()) _epochEnds.Remove(key);
        LastStep = Math.Min(LastStep, step - 1);
        Version++;
    }

    private void Put(Dictionary<string, Curve> table, string name, long key, double value)
    {
        if (!table.TryGetValue(name, out var points)) table[name] = points = new Curve();
        if (points.Put(key, value)) Version++;
    }

    private static (double[] X, double[] Y) Series(Dictionary<string, Curve> table, string name, int offset)
    {
        if (!table.TryGetValue(name, out var points)) return ([], []);
        return (points.X.ToArray().Select(k => k + offset).ToArray(), points.Y.ToArray());
    }

    /// <summary>
    /// One curve: x (whole steps or epochs) ascending, one value each. Points come in order (from the store, from
    /// the stream), so a new point is almost always appended; one out of order is inserted in place.
    /// </summary>
    public sealed class Curve
    {
        private readonly List<double> _x = [];
        private readonly List<double> _y = [];

        public int Count => _x.Count;
        public ReadOnlySpan<double> X => CollectionsMarshal.AsSpan(_x);
        public ReadOnlySpan<double> Y => CollectionsMarshal.AsSpan(_y);

        /// <summary>The values as a list (for the smoothing, which reads them whole).</summary>
        public IReadOnlyList<double> Values => _y;

        public double LastValue => _y[^1];

        /// <summary>Sets the value at <paramref name="key"/>; true when that changed the curve.</summary>
        public bool Put(long key, double value)
        {
            if (_x.Count == 0 || key > _x[^1])
            {
                _x.Add(key);
                _y.Add(value);
                return true;
            }
            int index = _x.BinarySearch(key);
            if (index >= 0)
            {
                if (_y[index].Equals(value)) return false;
                _y[index] = value;
                return true;
            }
            _x.Insert(~index, key);
            _y.Insert(~index, value);
            return true;
        }

        /// <summary>Removes the points at <paramref name="key"/> and after.</summary>
        public void DropFrom(long key)
        {
            int index = _x.BinarySearch(key - 0.5); // never found: keys are whole numbers
            int from = ~index;
            _x.RemoveRange(from, _x.Count - from);
            _y.RemoveRange(from, _y.Count - from);
        }
    }
}
