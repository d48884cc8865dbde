using System.Globalization;
using System.Text.RegularExpressions;
using SbirLab.Core.Configs;

namespace SbirLab.Core.Sweeps;

/// <summary>
/// The one check of a sweep definition (command line, web form, sweep service): every field named with its value
/// and what is allowed. Besides the sweep's own fields it applies each listed value, and each end of each range, to
/// the base config and runs the config validator on the result, so a value no run could take is refused up front.
/// </summary>
public static partial class SweepValidator
{
    public const int MaxBudget = 1000;
    public const int MaxAxes = 8;
    public const int MaxValuesPerAxis = 100;

    /// <summary>"one of map, map_at_r, ..." as messages say.</summary>
    public const string MetricsAllowed = "an epoch metric: map, map_at_r, p@K (e.g. p@10), topK_hit (e.g. top1_hit), loss, loss_embedding, loss_ce or accuracy";

    public static IReadOnlyList<ConfigError> Validate(SweepDefinition sweep, HostLimits? limits = null)
    {
        var errors = new List<ConfigError>();
        if (string.IsNullOrWhiteSpace(sweep.Name)) errors.Add(new("name", Quote(sweep.Name), "a non-empty name"));
        if (sweep.Budget is < 1 or > MaxBudget) errors.Add(new("budget", Text(sweep.Budget), $"an integer in [1, {MaxBudget}]"));
        if (sweep.Seed < 0) errors.Add(new("seed", Text(sweep.Seed), "an integer ≥ 0"));
        if (!Enum.IsDefined(sweep.Search)) errors.Add(new("search", sweep.Search.ToString(), OptionNames.Allowed(typeof(SweepSearch))));
        if (!Enum.IsDefined(sweep.Direction)) errors.Add(new("direction", sweep.Direction.ToString(), OptionNames.Allowed(typeof(SweepDirection))));
        if (!IsMetric(sweep.Metric)) errors.Add(new("metric", Quote(sweep.Metric), MetricsAllowed));
        errors.AddRange(ConfigValidator.Validate(sweep.Base, limits).Select(e => e with { Field = "base." + e.Field }));
        ValidateAxes(sweep, limits, errors);
        if (sweep.Search == SweepSearch.Grid && errors.Count == 0 && SweepPoints.GridSize(sweep) is { } size && sweep.Budget > size)
            errors.Add(new("budget", Text(sweep.Budget), $"at most {size}: the grid has {size} points"));
        if (sweep.MedianStop is { } rule) ValidateMedianStop(sweep, rule, errors);
        return errors;
    }

    /// <summary>Throws <see cref="ConfigException"/> listing every problem, or returns the sweep.</summary>
    public static SweepDefinition EnsureValid(SweepDefinition sweep, HostLimits? limits = null)
    {
        var errors = Validate(sweep, limits);
        return errors.Count == 0 ? sweep : throw new ConfigException(errors);
    }

    /// <summary>Whether <paramref name="metric"/> names a figure every run logs per epoch (retrieval when evaluated).</summary>
    public static bool IsMetric(string? metric) => metric is not null && MetricName().IsMatch(metric);

    /// <summary>Loss and accuracy are logged every epoch; retrieval figures only on evaluated epochs.</summary>
    public static bool IsRetrievalMetric(string metric) => metric.StartsWith("map", StringComparison.Ordinal) || metric.StartsWith("p@", StringComparison.Ordinal) || metric.StartsWith("top", StringComparison.Ordinal);

    [GeneratedRegex(@"^(map|map_at_r|p@[1-9][0-9]{0,4}|top[1-9][0-9]{0,4}_hit|loss|loss_embedding|loss_ce|accuracy)$")]
    private static partial Regex MetricName();

    private static void ValidateAxes(SweepDefinition sweep, HostLimits? limits, List<ConfigError> errors)
    {
        if (sweep.Axes.Count is < 1 or > MaxAxes)
            errors.Add(new("axes", Text(sweep.Axes.Count) + " axes", $"between 1 and {MaxAxes} axes"));
        var seen = new HashSet<string>(StringComparer.Ordinal);
        for (int a = 0; a < sweep.Axes.Count; a++)
        {
            var axis = sweep.Axes[a];
            string at = $"axes[{a}]";
            var type = ConfigFields.TypeOf(axis.Field);
            if (!SweepFields.IsSweepable(type))
            {
                errors.Add(new(at + ".field", Quote(axis.Field), "a numeric, switch or choice field of the run config: " + string.Join(", ", SweepFields.All)));
                continue;
            }
            if (!seen.Add(axis.Field)) errors.Add(new(at + ".field", Quote(axis.Field), "a field no other axis varies"));
            if (axis.Values is { } values) ValidateList(sweep, axis, at, values.Count, errors);
            else ValidateRange(sweep, axis, type!, at, errors);
            if (errors.Count == 0) ValidateAgainstBase(sweep, axis, at, limits, errors);
        }
    }

    private static void ValidateList(SweepDefinition sweep, SweepAxis axis, string at, int count, List<ConfigError> errors)
    {
        if (count is < 1 or > MaxValuesPerAxis) errors.Add(new(at + ".values", Text(count) + " values", $"between 1 and {MaxValuesPerAxis} values"));
        if (axis.Min is not null || axis.Max is not null) errors.Add(new(at, "values and min/max", "either a list of values or a range min..max, not both"));
        if (axis.Scale != SweepScale.Linear) errors.Add(new(at + ".scale", axis.Scale.Name(), "scale only with a range (min, max)"));
    }

    private static void ValidateRange(SweepDefinition sweep, SweepAxis axis, Type type, string at, List<ConfigError> errors)
    {
        if (!SweepFields.IsNumeric(type))
        {
            errors.Add(new(at, Quote(axis.Field), "a list of values: a choice or switch field has no range"));
            return;
        }
        if (sweep.Search == SweepSearch.Grid) errors.Add(new(at, "a range", "a list of values: a grid search needs lists (or search: random)"));
        if (axis.Min is not { } min || axis.Max is not { } max || !double.IsFinite(min) || !double.IsFinite(max))
        {
            errors.Add(new(at, "min/max missing", "values: [...], or min and max (finite numbers)"));
            return;
        }
        if (min >= max) errors.Add(new(at + ".max", Text(max), $"a number > min ({Text(min)})"));
        if (axis.Scale == SweepScale.Log && min <= 0) errors.Add(new(at + ".min", Text(min), "a number > 0 on a log scale"));
        if (!Enum.IsDefined(axis.Scale)) errors.Add(new(at + ".scale", axis.Scale.ToString(), OptionNames.Allowed(typeof(SweepScale))));
    }

    /// <summary>Each value of a list, and both ends of a range, must make a valid run config out of the base.</summary>
    private static void ValidateAgainstBase(SweepDefinition sweep, SweepAxis axis, string at, HostLimits? limits, List<ConfigError> errors)
    {
        var tries = axis.Values is { } values
            ? values.Select((v, i) => ($"{at}.values[{i}]", v?.ToJsonString() ?? "null"))
            : [($"{at}.min", Text(axis.Min!.Value)), ($"{at}.max", Text(axis.Max!.Value))];
        var baseTree = ConfigJson.ToNode(sweep.Base); // once per axis, as a tree: the form checks this on every render
        foreach (var (where, json) in tries)
        {
            try
            {
                var tried = baseTree.DeepClone();
                ConfigJson.ApplyOverride(tried, axis.Field + "=" + json);
                ConfigValidator.EnsureValid(ConfigJson.FromNode(tried), limits);
            }
            catch (ConfigException e)
            {
                string why = string.Join("; ", e.Errors.Select(x => $"{x.Field} expects {x.Allowed}"));
                errors.Add(new(where, json, $"a value the run config accepts ({why})"));
            }
        }
    }

    private static void ValidateMedianStop(SweepDefinition sweep, MedianStopRule rule, List<ConfigError> errors)
    {
        int epochs = sweep.Base.Training.Epochs;
        if (epochs < 2) errors.Add(new("medianStop", "at epoch " + Text(rule.AtEpoch), "no rule when the runs train 1 epoch (base.training.epochs ≥ 2 for early stopping)"));
        else if (rule.AtEpoch < 1 || rule.AtEpoch >= epochs) errors.Add(new("medianStop.atEpoch", Text(rule.AtEpoch), $"an integer in [1, {epochs - 1}] (before the last epoch)"));
        int every = sweep.Base.Training.EvaluateEvery;
        if (IsRetrievalMetric(sweep.Metric) && rule.AtEpoch >= 1 && (every <= 0 || rule.AtEpoch % every != 0))
            errors.Add(new("medianStop.atEpoch", Text(rule.AtEpoch), $"an evaluated epoch (a multiple of base.training.evaluateEvery = {every}), or a loss/accuracy metric"));
        if (rule.MinRuns is < 1 or > 100) errors.Add(new("medianStop.minRuns", Text(rule.MinRuns), "an integer in [1, 100]"));
    }

    private static string Quote(string? text) => $"\"{text}\"";

    private static string Text(double value) => value.ToString("G", CultureInfo.InvariantCulture);
}
