using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace SbirLab.Store;

/// <summary>
/// Splits an evaluation report (eval.json) into what the store keeps apart: scalar summary figures,
/// curves and ranked examples (a run's embedding maps are rows of their own, never read from a report). Works on the JSON shape alone, so the store does not
/// depend on the evaluation code's types: top-level numbers (and those of a "summary" object) are figures,
/// lists of {k, value} become "name@k" figures, objects whose name mentions "curve" or "recall" are curves,
/// "examples"/"rankedExamples" are the ranked examples.
/// The engine's eval.json wraps the retrieval report in a "report" object; the split reads inside it.
/// </summary>
public sealed record EvaluationParts(string Summary, string? Curves, string? RankedExamples)
{
    private static readonly string[] ExampleNames = ["examples", "rankedExamples"];

    public static EvaluationParts Split(string reportJson)
    {
        if (JsonNode.Parse(reportJson) is not JsonObject root) return new EvaluationParts("{}", null, null);
        var outer = root;
        if (root["report"] is JsonObject inner) root = inner;
        var summary = new JsonObject();
        var curves = new JsonObject();
        string? examples = null;
        foreach (var (name, node) in root)
        {
            if (IsNumber(node)) summary[name] = node!.DeepClone();
            else if (name.Equals("summary", StringComparison.OrdinalIgnoreCase) && node is JsonObject figures) AddNumbers(summary, figures);
            else if (node is JsonArray list && TryAtK(name, list, summary)) { }
            else if (Matches(name, ExampleNames)) examples = node?.ToJsonString();
            else if (node is JsonObject && (Contains(name, "curve") || Contains(name, "recall"))) curves[name] = node.DeepClone();
        }
        // The engine's file keeps figures measured outside the report (the gallery index's) in its own "summary".
        if (!ReferenceEquals(outer, root) && outer["summary"] is JsonObject outside) AddNumbers(summary, outside);
        return new EvaluationParts(summary.ToJsonString(), curves.Count > 0 ? curves.ToJsonString() : null, examples);
    }

    /// <summary>The summary figures as name → value.</summary>
    public static IReadOnlyDictionary<string, double> Figures(string summaryJson)
    {
        var result = new Dictionary<string, double>(StringComparer.Ordinal);
        if (JsonNode.Parse(summaryJson) is not JsonObject summary) return result;
        foreach (var (name, node) in summary)
            if (IsNumber(node)) result[name] = node!.GetValue<double>();
        return result;
    }

    private static void AddNumbers(JsonObject target, JsonObject source)
    {
        foreach (var (name, node) in source)
            if (IsNumber(node)) target[name] = node!.DeepClone();
    }

    /// <summary>[{k: 5, value: 0.7}, ...] → name@5 = 0.7.</summary>
    private static bool TryAtK(string name, JsonArray list, JsonObject summary)
    {
        if (list.Count == 0 || !list.All(item => item is JsonObject o && Field(o, "k") is { } k && IsNumber(k) && Field(o, "value") is { } v && IsNumber(v)))
            return false;
        foreach (JsonObject item in list.Cast<JsonObject>())
        {
            string k = Field(item, "k")!.GetValue<double>().ToString(CultureInfo.InvariantCulture);
            summary[$"{name}@{k}"] = Field(item, "value")!.DeepClone();
        }
        return true;
    }

    private static JsonNode? Field(JsonObject o, string name) =>
        o.FirstOrDefault(kv => kv.Key.Equals(name, StringComparison.OrdinalIgnoreCase)).Value;

    private static bool IsNumber(JsonNode? node) => node is JsonValue value && value.GetValueKind() == JsonValueKind.Number;

    private static bool Matches(string name, string[] names) => names.Any(n => n.Equals(name, StringComparison.OrdinalIgnoreCase));

    private static bool Contains(string name, string part) => name.Contains(part, StringComparison.OrdinalIgnoreCase);
}
