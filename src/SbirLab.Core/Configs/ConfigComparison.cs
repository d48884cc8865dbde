using System.Text.Json.Nodes;

namespace SbirLab.Core.Configs;

/// <summary>One config field across the compared runs.</summary>
public sealed record ConfigRow(string Field, IReadOnlyList<string> Values)
{
    public bool Differs => Values.Distinct(StringComparer.Ordinal).Count() > 1;
}

/// <summary>Configs side by side, field by field (dotted paths as <c>--set</c> takes them).</summary>
public static class ConfigComparison
{
    /// <summary>Every field any config sets, in config order; with <paramref name="onlyDifferences"/> only those that differ.</summary>
    public static IReadOnlyList<ConfigRow> Rows(IReadOnlyList<RunConfig> configs, bool onlyDifferences = false)
    {
        var flat = configs.Select(Flatten).ToList();
        var fields = new List<string>();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var config in flat)
            foreach (var field in config.Keys)
                if (seen.Add(field)) fields.Add(field);
        var rows = fields.Select(f => new ConfigRow(f, flat.Select(c => c.GetValueOrDefault(f, "–")).ToList()));
        return (onlyDifferences ? rows.Where(r => r.Differs) : rows).ToList();
    }

    /// <summary>The config as field path → JSON text of its value (lists stay whole: "[1,5,10]").</summary>
    public static IReadOnlyDictionary<string, string> Flatten(RunConfig config)
    {
        var result = new Dictionary<string, string>(StringComparer.Ordinal);
        Walk(JsonNode.Parse(ConfigJson.Serialize(config)), "", result);
        return result;
    }

    private static void Walk(JsonNode? node, string path, Dictionary<string, string> result)
    {
        if (node is JsonObject obj)
        {
            foreach (var (name, child) in obj) Walk(child, path.Length == 0 ? name : path + "." + name, result);
            return;
        }
        result[path] = node switch
        {
            null => "null",
            JsonValue value when value.TryGetValue<string>(out var text) => text,
            _ => node.ToJsonString(),
        };
    }
}
