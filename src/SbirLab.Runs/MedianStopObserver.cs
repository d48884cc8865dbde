using System.Globalization;
using Microsoft.EntityFrameworkCore;
using SbirLab.Core.Runs;
using SbirLab.Core.Sweeps;
using SbirLab.Store;
using SbirLab.Store.Entities;

namespace SbirLab.Runs;

/// <summary>
/// The median stopping rule of a sweep, applied to one of its points while it trains: when the point ends the rule's
/// epoch with a metric worse than the median of that epoch's metric over the sweep's other points (once at least
/// <see cref="MedianStopRule.MinRuns"/> of them reached it), the run is stopped like a user's stop (resumable) and
/// its log and message say why.
/// </summary>
internal sealed class MedianStopObserver(RunStore store, long runId, SweepRecord sweep, SweepDefinition definition, Action stop) : ITrainingObserver
{
    private readonly MedianStopRule _rule = definition.MedianStop!;

    /// <summary>Why the rule stopped the run; null when it did not.</summary>
    public string? Verdict { get; private set; }

    /// <summary>The observer for a claimed run when it is a point of a sweep with a median rule; null otherwise.</summary>
    public static MedianStopObserver? For(RunStore store, long runId, Action stop)
    {
        using var db = store.CreateContext();
        var tags = db.Tags.AsNoTracking().Where(t => t.RunId == runId && t.Name.StartsWith("sweep:")).Select(t => t.Name).ToList();
        foreach (var tag in tags)
        {
            if (!long.TryParse(tag["sweep:".Length..], NumberStyles.None, CultureInfo.InvariantCulture, out long id)) continue;
            var sweep = db.Sweeps.AsNoTracking().FirstOrDefault(s => s.Id == id);
            if (sweep is null) continue;
            var definition = SweepJson.Deserialize(sweep.DefinitionJson);
            if (definition.MedianStop is not null) return new MedianStopObserver(store, runId, sweep, definition, stop);
        }
        return null;
    }

    public void OnEpoch(EpochMetrics epoch)
    {
        if (epoch.Epoch + 1 != _rule.AtEpoch || !epoch.Values.TryGetValue(definition.Metric, out double value)) return;
        var others = OthersAt(epoch.Epoch);
        if (others.Count < _rule.MinRuns) return;
        double median = Median(others);
        if (!definition.Direction.Better(median, value)) return;
        Verdict = string.Create(CultureInfo.InvariantCulture,
            $"median stopping rule of sweep {sweep.Id}: {definition.Metric} {value:G4} after epoch {_rule.AtEpoch} is worse than the median {median:G4} of {others.Count} other points");
        store.Writer.AddLog(runId, Verdict, DateTime.UtcNow);
        store.AddTag(runId, "median-stopped");
        stop();
    }

    /// <summary>The metric of the sweep's other points at the rule's epoch (each point's latest value for that epoch).</summary>
    private List<double> OthersAt(int epoch)
    {
        using var db = store.CreateContext();
        string tag = sweep.Tag;
        return db.MetricPoints.AsNoTracking()
            .Where(p => p.RunId != runId && p.Kind == MetricKind.Epoch && p.Epoch == epoch && p.Name == definition.Metric && p.Value != null)
            .Where(p => db.Tags.Any(t => t.RunId == p.RunId && t.Name == tag))
            .GroupBy(p => p.RunId)
            .Select(g => g.OrderByDescending(p => p.Id).First().Value!.Value)
            .ToList();
    }

    private static double Median(List<double> values)
    {
        values.Sort();
        int n = values.Count;
        return n % 2 == 1 ? values[n / 2] : (values[n / 2 - 1] + values[n / 2]) / 2;
    }
}
