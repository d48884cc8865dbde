using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using SbirLab.Core.Configs;
using SbirLab.Core.Sweeps;

namespace SbirLab.Web.Services;

/// <summary>How a field of the new-run form is swept: a list of values, or a range drawn linearly or on a log scale.</summary>
public enum AxisMode
{
    Values,
    Linear,
    Log,
}

/// <summary>One field being swept, as the form edits it.</summary>
public sealed class AxisDraft
{
    public required string Field { get; init; }

    /// <summary>Numbers may take a range; choices and switches only a list.</summary>
    public required bool Numeric { get; init; }

    public AxisMode Mode { get; set; }

    /// <summary>The values, comma separated, as JSON values or option names: "0.1, 0.2" or "all, hard".</summary>
    public string ValuesText { get; set; } = "";

    public double Min { get; set; }
    public double Max { get; set; }

    public SweepAxis ToAxis() => Mode == AxisMode.Values
        ? new SweepAxis { Field = Field, Values = ParseValues(ValuesText) }
        : new SweepAxis { Field = Field, Min = Min, Max = Max, Scale = Mode == AxisMode.Log ? SweepScale.Log : SweepScale.Linear };

    private static List<JsonNode?> ParseValues(string text) =>
        [.. text.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Select(Parse)];

    private static JsonNode? Parse(string value)
    {
        try { return JsonNode.Parse(value); }
        catch (JsonException) { return JsonValue.Create(value); }
    }
}

/// <summary>
/// The sweep being put together on the new-run form ("sweep this field" on a number or a choice): its axes and its
/// settings. It becomes a <see cref="SweepDefinition"/> over the form's config and is checked by
/// <see cref="SweepValidator"/>, the same check as <c>sbirlab sweep</c>.
/// </summary>
public sealed class SweepDraft
{
    public List<AxisDraft> Axes { get; } = [];
    public int Budget { get; set; } = 8;
    public SweepSearch Search { get; set; } = SweepSearch.Random;
    public int Seed { get; set; } = 1;
    public string Metric { get; set; } = "map";
    public SweepDirection Direction { get; set; } = SweepDirection.Maximize;
    public bool MedianStop { get; set; }
    public int MedianAtEpoch { get; set; } = 1;

    public bool Has(string field) => Axes.Any(a => a.Field == field);

    /// <summary>Adds the field as an axis (starting around its current value), or removes it when it is one already.</summary>
    public void Toggle(string field, ConfigDraft config)
    {
        if (Axes.RemoveAll(a => a.Field == field) > 0) return;
        var type = ConfigFields.TypeOf(field);
        if (!SweepFields.IsSweepable(type)) return;
        Axes.Add(Start(field, type!, config));
    }

    public SweepDefinition ToDefinition(RunConfig config) => new()
    {
        Name = config.Name,
        Base = config,
        Axes = [.. Axes.Select(a => a.ToAxis())],
        Search = Search,
        Seed = Seed,
        Budget = Budget,
        Metric = Metric.Trim(),
        Direction = Direction,
        MedianStop = MedianStop ? new MedianStopRule { AtEpoch = MedianAtEpoch } : null,
    };

    public IReadOnlyList<ConfigError> Errors(RunConfig config, HostLimits? limits) => SweepValidator.Validate(ToDefinition(config), limits);

    /// <summary>A number starts as the range [value/2, 2·value] (integers as the list value, 2·value); a choice as all its options.</summary>
    private static AxisDraft Start(string field, Type type, ConfigDraft config)
    {
        if (type.IsEnum) return new AxisDraft { Field = field, Numeric = false, Mode = AxisMode.Values, ValuesText = string.Join(", ", OptionNames.Of(type)) };
        if (type == typeof(bool)) return new AxisDraft { Field = field, Numeric = false, Mode = AxisMode.Values, ValuesText = "false, true" };
        if (type == typeof(int))
        {
            int n = config.Get<int>(field);
            return new AxisDraft { Field = field, Numeric = true, Mode = AxisMode.Values, ValuesText = Invariant($"{n}, {Math.Max(n * 2, n + 1)}"), Min = n, Max = Math.Max(n * 2, n + 1) };
        }
        double x = config.Get<double>(field);
        var (min, max) = x > 0 ? (x / 2, x * 2) : (0.0, 1.0);
        return new AxisDraft { Field = field, Numeric = true, Mode = AxisMode.Linear, Min = min, Max = max, ValuesText = Invariant($"{min}, {x}, {max}") };
    }

    private static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
