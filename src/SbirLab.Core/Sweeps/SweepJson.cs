using System.Text.Json;
using System.Text.Json.Nodes;
using SbirLab.Core.Configs;

namespace SbirLab.Core.Sweeps;

/// <summary>
/// Reads and writes <see cref="SweepDefinition"/>. In a sweep file <c>"base"</c> is a run config: inline, or the path
/// of a config file (relative to the sweep file), with <c>"set": ["training.epochs=1", ...]</c> applied to it as
/// <c>--set</c> would. The stored form inlines the resolved base and has no <c>"set"</c>.
/// </summary>
public static class SweepJson
{
    public static JsonSerializerOptions Options => ConfigJson.Options;

    public static string Serialize(SweepDefinition sweep) => JsonSerializer.Serialize(sweep, Options);

    /// <summary>A stored definition (already validated when it was started).</summary>
    public static SweepDefinition Deserialize(string json) =>
        JsonSerializer.Deserialize<SweepDefinition>(json, Options) ?? throw new JsonException("empty sweep definition");

    /// <summary>Reads a sweep file, applies <paramref name="overrides"/> to its base, and validates; throws <see cref="ConfigException"/>.</summary>
    public static SweepDefinition Load(string path, IEnumerable<string>? overrides = null, HostLimits? limits = null)
    {
        if (!File.Exists(path)) throw Error("(file)", path, "an existing sweep file (JSON)");
        return Parse(File.ReadAllText(path), Path.GetDirectoryName(Path.GetFullPath(path))!, overrides, limits);
    }

    /// <summary>Reads sweep JSON whose base paths are relative to <paramref name="folder"/>; throws <see cref="ConfigException"/>.</summary>
    public static SweepDefinition Parse(string json, string folder, IEnumerable<string>? overrides = null, HostLimits? limits = null)
    {
        var root = ParseObject(json, "(file)");
        var baseNode = BaseConfig(root, folder);
        foreach (var assignment in Sets(root).Concat(overrides ?? [])) ApplyBaseOverride(baseNode, assignment);
        root.Remove("base");
        root.Remove("set");
        SweepDefinition sweep;
        try { sweep = root.Deserialize<SweepDefinition>(Options) ?? new SweepDefinition(); }
        catch (JsonException e) { throw Explain(e); }
        RunConfig config;
        try { config = ConfigJson.ParseUnvalidated(baseNode.ToJsonString()); }
        catch (ConfigException e) { throw new ConfigException([.. e.Errors.Select(x => x with { Field = "base." + x.Field })]); }
        return SweepValidator.EnsureValid(sweep with { Base = config }, limits);
    }

    private static JsonObject BaseConfig(JsonObject root, string folder)
    {
        switch (root["base"])
        {
            case JsonObject inline:
                return (JsonObject)inline.DeepClone();
            case JsonValue value when value.TryGetValue<string>(out var file):
                string full = Path.GetFullPath(Path.Combine(folder, file));
                if (!File.Exists(full)) throw Error("base", file, "a run config file (relative to the sweep file) or an inline config object");
                return ParseObject(File.ReadAllText(full), "base");
            default:
                throw Error("base", root["base"]?.ToJsonString() ?? "(missing)", "a run config file (relative to the sweep file) or an inline config object");
        }
    }

    private static IEnumerable<string> Sets(JsonObject root)
    {
        if (root["set"] is null) return [];
        if (root["set"] is JsonArray list && list.All(n => n is JsonValue v && v.TryGetValue<string>(out _)))
            return [.. list.Select(n => n!.GetValue<string>())];
        throw Error("set", root["set"]!.ToJsonString(), "a list of \"field=value\" strings applied to the base");
    }

    private static void ApplyBaseOverride(JsonObject baseNode, string assignment)
    {
        try { ConfigJson.ApplyOverride(baseNode, assignment); }
        catch (ConfigException e) { throw new ConfigException([.. e.Errors.Select(x => x with { Field = "set: " + x.Field })]); }
    }

    private static JsonObject ParseObject(string json, string field)
    {
        try
        {
            return JsonNode.Parse(json, documentOptions: new JsonDocumentOptions { CommentHandling = JsonCommentHandling.Skip, AllowTrailingCommas = true }) as JsonObject
                ?? throw Error(field, "not an object", "a JSON object {...}");
        }
        catch (JsonException e)
        {
            throw Error(field, $"line {e.LineNumber + 1}", "valid JSON: " + e.Message);
        }
    }

    /// <summary>System.Text.Json's complaint as "field = value: what is allowed".</summary>
    private static ConfigException Explain(JsonException e)
    {
        string path = (e.Path ?? "$").TrimStart('$').TrimStart('.');
        string message = e.Message;
        int cut = message.IndexOf(" Path:", StringComparison.Ordinal);
        if (cut > 0) message = message[..cut];
        if (message.Contains("could not be mapped", StringComparison.Ordinal))
            return Error(path.Length == 0 ? "(sweep)" : path, "(unknown field)", "a known field: " + string.Join(", ", ConfigJson.FieldNames(typeof(SweepDefinition)).Append("set")) + " (axes: field, values, min, max, scale; medianStop: atEpoch, minRuns)");
        return Error(path.Length == 0 ? "(sweep)" : path, "?", "a value of the right kind: " + message);
    }

    private static ConfigException Error(string field, string value, string allowed) => new([new ConfigError(field, value, allowed)]);
}
