using System.Globalization;
using System.Text.Json.Nodes;
using SbirLab.Core.Configs;

namespace SbirLab.Core.Sweeps;

/// <summary>One point of a sweep: its index (0-based, the queue order), the value of each axis, and the run config.</summary>
public sealed record SweepPoint(int Index, IReadOnlyList<SweepValue> Values, RunConfig Config);

/// <summary>The value one axis takes at a point.</summary>
public sealed record SweepValue(string Field, JsonNode? Value)
{
    public override string ToString() => $"{Field}={Value?.ToJsonString() ?? "null"}";
}

/// <summary>
/// Turns a sweep definition into its points. Point i depends on the definition and i alone, so extending a sweep
/// continues where it stopped and a sweep is reproducible from what it stored: a grid enumerates the combinations with
/// the last axis changing fastest; a random search draws every axis of point i from a generator seeded with
/// (seed, i, axis). Drawn real numbers keep 4 significant digits (readable tables; no precision a sweep could use);
/// integer fields are rounded.
/// </summary>
public static class SweepPoints
{
    /// <summary>How many points a grid has (the product of the axes' list lengths); null for a random search.</summary>
    public static long? GridSize(SweepDefinition sweep) =>
        sweep.Search == SweepSearch.Grid ? sweep.Axes.Aggregate(1L, (n, a) => n * Math.Max(1, a.Values?.Count ?? 1)) : null;

    /// <summary>The axis values of point <paramref name="index"/>.</summary>
    public static IReadOnlyList<SweepValue> ValuesAt(SweepDefinition sweep, int index)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(index);
        if (sweep.Search == SweepSearch.Grid) return GridValues(sweep, index);
        return [.. sweep.Axes.Select((axis, a) => new SweepValue(axis.Field, Draw(axis, Uniform(sweep.Seed, index, a))))];
    }

    /// <summary>
    /// Point <paramref name="index"/>: the base config with the point's values and its own name. Not validated here:
    /// <see cref="SweepValidator"/> has checked every axis value against the base, and the store's queue checks each
    /// point's run (throws <see cref="ConfigException"/> only for a value the config cannot hold).
    /// </summary>
    public static SweepPoint At(SweepDefinition sweep, int index)
    {
        var values = ValuesAt(sweep, index);
        var root = ConfigJson.ToNode(sweep.Base with { Name = PointName(sweep, index) });
        foreach (var value in values) ConfigJson.ApplyOverride(root, value.Field, value.Value?.DeepClone());
        return new SweepPoint(index, values, ConfigJson.FromNode(root));
    }

    /// <summary>"&lt;sweep&gt;-007" for index 6: the run's name in the store.</summary>
    public static string PointName(SweepDefinition sweep, int index) => string.Create(CultureInfo.InvariantCulture, $"{sweep.Name}-{index + 1:000}");

    private static List<SweepValue> GridValues(SweepDefinition sweep, int index)
    {
        long size = GridSize(sweep)!.Value;
        if (index >= size) throw new ArgumentOutOfRangeException(nameof(index), $"the grid has {size} points");
        var values = new SweepValue[sweep.Axes.Count];
        long rest = index;
        for (int a = sweep.Axes.Count - 1; a >= 0; a--)
        {
            var list = sweep.Axes[a].Values!;
            values[a] = new SweepValue(sweep.Axes[a].Field, list[(int)(rest % list.Count)]?.DeepClone());
            rest /= list.Count;
        }
        return [.. values];
    }

    private static JsonNode? Draw(SweepAxis axis, double u)
    {
        if (axis.Values is { } list) return list[Math.Min(list.Count - 1, (int)(u * list.Count))]?.DeepClone();
        double min = axis.Min!.Value, max = axis.Max!.Value;
        double x = axis.Scale == SweepScale.Log ? Math.Exp(Math.Log(min) + u * (Math.Log(max) - Math.Log(min))) : min + u * (max - min);
        if (ConfigFields.TypeOf(axis.Field) == typeof(int)) return JsonValue.Create((int)Math.Round(x, MidpointRounding.AwayFromZero));
        return JsonValue.Create(Math.Clamp(double.Parse(x.ToString("G4", CultureInfo.InvariantCulture), CultureInfo.InvariantCulture), min, max));
    }

    /// <summary>A uniform draw in [0, 1) from SplitMix64 of (seed, point, axis): the same on every machine and .NET version.</summary>
    internal static double Uniform(int seed, int point, int axis)
    {
        ulong z = unchecked((ulong)seed * 0x9E3779B97F4A7C15UL ^ (ulong)point * 0xBF58476D1CE4E5B9UL ^ (ulong)axis * 0x94D049BB133111EBUL);
        for (int round = 0; round < 2; round++) z = SplitMix(ref z);
        return (z >> 11) * (1.0 / (1UL << 53));
    }

    private static ulong SplitMix(ref ulong state)
    {
        unchecked
        {
            ulong z = state += 0x9E3779B97F4A7C15UL;
            z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
            z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
            return z ^ (z >> 31);
        }
    }
}
