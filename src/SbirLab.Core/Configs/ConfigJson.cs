using System.Reflection;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization;

namespace SbirLab.Core.Configs;

/// <summary>
/// Reads and writes <see cref="RunConfig"/> as JSON, applies <c>--set key=value</c> overrides, and turns
/// every reading problem into a <see cref="ConfigError"/> that names the field.
/// </summary>
public static class ConfigJson
{
    public static readonly JsonSerializerOptions Options = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
        WriteIndented = true,
        UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow,
        ReadCommentHandling = JsonCommentHandling.Skip,
        AllowTrailingCommas = true,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    };

    public static string Serialize(RunConfig config) => JsonSerializer.Serialize(config, Options);

    /// <summary>
    /// Reads a config file, applies overrides and validates (against <paramref name="limits"/> when given);
    /// throws <see cref="ConfigException"/>.
    /// </summary>
    public static RunConfig Load(string path, IEnumerable<string>? overrides = null, HostLimits? limits = null) =>
        ConfigValidator.EnsureValid(LoadUnvalidated(path, overrides), limits);

    /// <summary>
    /// Reads a config file and applies overrides without validating: for a front end that hands the config to the
    /// store, whose queue is the validation boundary (so it is checked once there, with the lab's limits).
    /// </summary>
    public static RunConfig LoadUnvalidated(string path, IEnumerable<string>? overrides = null)
    {
        if (!File.Exists(path))
            throw new ConfigException([new ConfigError("(file)", path, "an existing JSON config file")]);
        return ParseUnvalidated(File.ReadAllText(path), overrides);
    }

    /// <summary>Parses JSON text, applies overrides and validates; throws <see cref="ConfigException"/>.</summary>
    public static RunConfig Parse(string json, IEnumerable<string>? overrides = null, HostLimits? limits = null)
    {
        JsonNode root = ParseNode(json);
        foreach (var assignment in overrides ?? []) ApplyOverride(root, assignment);
        return ConfigValidator.EnsureValid(Deserialize(root), limits);
    }

    /// <summary>Reads a stored config without validating it (a stored run keeps what it ran with).</summary>
    public static RunConfig ParseUnvalidated(string json) => Deserialize(ParseNode(json));

    /// <summary>Reads config text and applies overrides without validating (a pipeline validates its runs together).</summary>
    public static RunConfig ParseUnvalidated(string json, IEnumerable<string>? overrides)
    {
        JsonNode root = ParseNode(json);
        foreach (var assignment in overrides ?? []) ApplyOverride(root, assignment);
        return Deserialize(root);
    }

    /// <summary>Reads JSON text with comments as an object; throws <see cref="ConfigException"/> naming the line.</summary>
    public static JsonObject ParseObject(string json) => ParseNode(json).AsObject();

    /// <summary>Applies one <c>section.field=value</c> override; the value is read as JSON when it parses, else as text.</summary>
    public static void ApplyOverride(JsonNode root, string assignment)
    {
        int eq = assignment.IndexOf('=');
        if (eq <= 0) throw Error("--set", assignment, "key=value, e.g. loss.margin=0.3");
        string key = assignment[..eq].Trim();
        string[] parts = key.Split('.');
        var (parent, property) = Walk(root, parts, key);
        parent[property] = ParseValue(assignment[(eq + 1)..]);
    }

    /// <summary>Sets one field (dotted camelCase path) of a config's JSON tree to <paramref name="value"/>, with the checks of <see cref="ApplyOverride(JsonNode, string)"/>, without text in between.</summary>
    public static void ApplyOverride(JsonNode root, string field, JsonNode? value)
    {
        var (parent, property) = Walk(root, field.Split('.'), field);
        parent[property] = value;
    }

    /// <summary>The config as a JSON tree to edit (no text in between).</summary>
    public static JsonObject ToNode(RunConfig config) => JsonSerializer.SerializeToNode(config, Options)!.AsObject();

    /// <summary>Reads a config's JSON tree without validating; throws <see cref="ConfigException"/> naming the field.</summary>
    public static RunConfig FromNode(JsonNode root) => Deserialize(root);

    private static (JsonObject Parent, string Property) Walk(JsonNode root, string[] parts, string key)
    {
        Type type = typeof(RunConfig);
        JsonObject current = root.AsObject();
        for (int i = 0; i < parts.Length; i++)
        {
            var member = FindProperty(type, parts[i])
                ?? throw Error(key, parts[i], "a known field: " + string.Join(", ", FieldNames(type).Select(n => Prefix(parts, i) + n)));
            string name = JsonNamingPolicy.CamelCase.ConvertName(member.Name);
            if (i == parts.Length - 1) return (current, name);
            if (current[name] is not JsonObject child) current[name] = child = new JsonObject();
            current = child;
            type = member.PropertyType;
        }
        throw Error(key, key, "a field path");
    }

    private static string Prefix(string[] parts, int depth) => depth == 0 ? "" : string.Join('.', parts[..depth]) + ".";

    private static PropertyInfo? FindProperty(Type type, string name) =>
        type.GetProperties().FirstOrDefault(p => string.Equals(p.Name, name, StringComparison.OrdinalIgnoreCase));

    public static IEnumerable<string> FieldNames(Type type) =>
        type.GetProperties().Select(p => JsonNamingPolicy.CamelCase.ConvertName(p.Name));

    private static JsonNode? ParseValue(string text)
    {
        try { return JsonNode.Parse(text); }
        catch (JsonException) { return JsonValue.Create(text); }
    }

    private static JsonNode ParseNode(string json)
    {
        try
        {
            return JsonNode.Parse(json, documentOptions: new JsonDocumentOptions
            {
                CommentHandling = JsonCommentHandling.Skip,
                AllowTrailingCommas = true,
            }) as JsonObject ?? throw Error("(file)", "not an object", "a JSON object {...}");
        }
        catch (JsonException e)
        {
            throw Error("(file)", $"line {e.LineNumber + 1}", "valid JSON: " + e.Message);
        }
    }

    private static RunConfig Deserialize(JsonNode root)
    {
        var optionErrors = OptionErrors(root, typeof(RunConfig), "");
        if (optionErrors.Count > 0) throw new ConfigException(optionErrors);
        try
        {
            return root.Deserialize<RunConfig>(Options) ?? new RunConfig();
        }
        catch (JsonException e)
        {
            throw Explain(e, root);
        }
    }

    /// <summary>
    /// Every option field (an enum) whose value is not one of its names, found before the typed read, which
    /// would stop at the first, so a config with two bad choices hears of both.
    /// </summary>
    private static List<ConfigError> OptionErrors(JsonNode? node, Type type, string prefix)
    {
        var errors = new List<ConfigError>();
        if (node is not JsonObject fields) return errors;
        foreach (var (key, value) in fields)
        {
            if (FindProperty(type, key) is not { } member || value is null) continue;
            string field = prefix + JsonNamingPolicy.CamelCase.ConvertName(member.Name);
            Type fieldType = member.PropertyType;
            if (fieldType.IsEnum)
            {
                bool known = value is JsonValue text && text.TryGetValue<string>(out var name) && OptionNames.Of(fieldType).Contains(name);
                if (!known) errors.Add(new ConfigError(field, value.ToJsonString(), OptionNames.Allowed(fieldType)));
            }
            else if (IsSection(fieldType))
            {
                errors.AddRange(OptionErrors(value, fieldType, field + "."));
            }
        }
        return errors;
    }

    private static bool IsSection(Type type) => type.IsClass && type != typeof(string) && !type.IsGenericType;

    /// <summary>Turns System.Text.Json's message into "field = value: what is allowed".</summary>
    private static ConfigException Explain(JsonException e, JsonNode root)
    {
        string path = (e.Path ?? "$").TrimStart('$').TrimStart('.');
        if (e.Message.Contains("could not be mapped", StringComparison.Ordinal))
        {
            string unknown = ExtractQuoted(e.Message) ?? path;
            string parentPath = path.Contains('.') ? path[..path.LastIndexOf('.')] : "";
            var parentType = TypeAt(parentPath);
            string field = parentPath.Length == 0 ? unknown : parentPath + "." + unknown;
            return new ConfigException([new ConfigError(field, "(unknown field)", "a known field: " + string.Join(", ", FieldNames(parentType)))]);
        }
        var member = MemberAt(path);
        string value = NodeAt(root, path)?.ToJsonString() ?? "?";
        return new ConfigException([new ConfigError(path, value, "a value of type " + Describe(member?.PropertyType))]);
    }

    private static string? ExtractQuoted(string message)
    {
        int a = message.IndexOf('\'');
        int b = a >= 0 ? message.IndexOf('\'', a + 1) : -1;
        return b > a ? message[(a + 1)..b] : null;
    }

    private static Type TypeAt(string path)
    {
        Type type = typeof(RunConfig);
        foreach (var part in path.Split('.', StringSplitOptions.RemoveEmptyEntries))
            type = FindProperty(type, part)?.PropertyType ?? type;
        return type;
    }

    private static PropertyInfo? MemberAt(string path)
    {
        var parts = path.Split('.', StringSplitOptions.RemoveEmptyEntries);
        if (parts.Length == 0) return null;
        var parent = TypeAt(string.Join('.', parts[..^1]));
        return FindProperty(parent, parts[^1].Split('[')[0]);
    }

    private static JsonNode? NodeAt(JsonNode root, string path)
    {
        JsonNode? node = root;
        foreach (var part in path.Split('.', StringSplitOptions.RemoveEmptyEntries))
            node = node is JsonObject o ? o.FirstOrDefault(kv => string.Equals(kv.Key, part.Split('[')[0], StringComparison.OrdinalIgnoreCase)).Value : null;
        return node;
    }

    private static string Describe(Type? type) => type switch
    {
        null => "the expected kind",
        _ when type == typeof(int) => "integer",
        _ when type == typeof(double) => "number",
        _ when type == typeof(bool) => "boolean (true or false)",
        _ when type == typeof(string) => "string",
        _ when type.IsEnum => OptionNames.Allowed(type),
        _ when type.IsGenericType => "list of " + Describe(type.GetGenericArguments()[0]),
        _ => "object {" + string.Join(", ", FieldNames(type)) + "}",
    };

    private static ConfigException Error(string field, string value, string allowed) =>
        new([new ConfigError(field, value, allowed)]);
}
