using System.Text.Json.Nodes;
using System.Text.Json.Serialization;
using SbirLab.Core.Configs;

namespace SbirLab.Core.Sweeps;

/// <summary>
/// A sweep: a base config, the axes along which its points differ, how many points to run (the budget), and the
/// metric that ranks them. Every point is an ordinary run: the base with one value per axis, validated like any
/// config. Serialised as JSON (camelCase), with the base inlined, and stored verbatim with the sweep.
/// </summary>
public sealed record SweepDefinition
{
    public string Name { get; init; } = "sweep";
    public string? Description { get; init; }

    /// <summary>The config every point starts from.</summary>
    public RunConfig Base { get; init; } = new();

    /// <summary>The fields that vary; each a list of values or a range.</summary>
    public IReadOnlyList<SweepAxis> Axes { get; init; } = [];

    /// <summary>"grid" (every combination of the axes' values, in order) or "random" (each point draws every axis).</summary>
    public SweepSearch Search { get; init; } = SweepSearch.Random;

    /// <summary>Seeds the random search's draws (point i's draws depend on the seed and i alone).</summary>
    public int Seed { get; init; } = 1;

    /// <summary>How many points to queue; <c>sweeps extend</c> adds more.</summary>
    public int Budget { get; init; } = 10;

    /// <summary>The figure that ranks the points: an epoch metric of the runs (map, map_at_r, p@k, topk_hit, loss, accuracy).</summary>
    public string Metric { get; init; } = "map";

    public SweepDirection Direction { get; init; } = SweepDirection.Maximize;

    /// <summary>Stops a point early when it is worse than the median of the sweep's other points at an epoch; null: no early stop.</summary>
    public MedianStopRule? MedianStop { get; init; }
}

/// <summary>
/// One varying field: <see cref="Values"/> (a list, for grid or random search), or <see cref="Min"/>..<see cref="Max"/>
/// on a <see cref="Scale"/> (random search only).
/// </summary>
public sealed record SweepAxis
{
    /// <summary>The config field, as <c>--set</c> names it: "loss.margin", "optimizer.learningRate", "loss.miner".</summary>
    public string Field { get; init; } = "";

    /// <summary>The values to try, as JSON values of the field's kind (numbers, option names, true/false).</summary>
    public IReadOnlyList<JsonNode?>? Values { get; init; }

    public double? Min { get; init; }
    public double? Max { get; init; }

    /// <summary>How a range is drawn: uniformly ("linear") or uniformly in its logarithm ("log", e.g. learning rates).</summary>
    public SweepScale Scale { get; init; } = SweepScale.Linear;

    [JsonIgnore]
    public bool IsRange => Values is null;
}

/// <summary>
/// The median stopping rule: when a point finishes epoch <see cref="AtEpoch"/> with a metric worse than the median of
/// the sweep's other points at that epoch (once at least <see cref="MinRuns"/> of them got there), it is stopped.
/// </summary>
public sealed record MedianStopRule
{
    /// <summary>The epoch (1-based) after which the rule looks.</summary>
    public int AtEpoch { get; init; } = 1;

    /// <summary>How many other points must have reached the epoch before the rule stops anyone.</summary>
    public int MinRuns { get; init; } = 3;
}

[JsonConverter(typeof(OptionConverter<SweepSearch>))]
public enum SweepSearch
{
    [JsonStringEnumMemberName("grid")] Grid,
    [JsonStringEnumMemberName("random")] Random,
}

[JsonConverter(typeof(OptionConverter<SweepScale>))]
public enum SweepScale
{
    [JsonStringEnumMemberName("linear")] Linear,
    [JsonStringEnumMemberName("log")] Log,
}

[JsonConverter(typeof(OptionConverter<SweepDirection>))]
public enum SweepDirection
{
    [JsonStringEnumMemberName("maximize")] Maximize,
    [JsonStringEnumMemberName("minimize")] Minimize,
}

/// <summary>Which of two metric values is better in a sweep's direction.</summary>
public static class SweepDirections
{
    /// <summary>True when <paramref name="value"/> is strictly better than <paramref name="than"/>.</summary>
    public static bool Better(this SweepDirection direction, double value, double than) =>
        direction == SweepDirection.Maximize ? value > than : value < than;

    /// <summary>The values ordered best first (NaN last).</summary>
    public static IOrderedEnumerable<T> BestFirst<T>(this IEnumerable<T> items, SweepDirection direction, Func<T, double?> value) =>
        direction == SweepDirection.Maximize
            ? items.OrderByDescending(i => value(i) is { } v && double.IsFinite(v) ? v : double.NegativeInfinity)
            : items.OrderBy(i => value(i) is { } v && double.IsFinite(v) ? v : double.PositiveInfinity);
}
