using System.Text.Json;
using System.Text.Json.Nodes;
using SbirLab.Core.Configs;

namespace SbirLab.Web.Services;

/// <summary>
/// The config being edited in the new-run form. Each field edit is applied to the config's JSON tree as a
/// <c>field=value</c> override (as <c>--set</c> does on the command line) and the result is read back
/// and checked with <see cref="ConfigValidator"/>, so the form reports exactly what the command line would.
/// That check is display (each field's problem as it is typed); the boundary is the queue's. An edit works on the
/// tree and never turns the config into text: the text (<see cref="Json"/>) is built once per edit, when shown.
/// </summary>
public sealed class ConfigDraft
{
    private readonly HostLimits? _limits;
    private JsonObject _root;
    private string? _json;

    /// <summary>A draft checked against <paramref name="limits"/> (the lab's roots and memory budget) when given.</summary>
    public ConfigDraft(RunConfig config, HostLimits? limits = null)
    {
        _limits = limits;
        _root = ConfigJson.ToNode(config);
        Config = config;
        Errors = ConfigValidator.Validate(config, limits);
    }

    /// <summary>The edited config; the last readable one when the JSON holds a value of the wrong kind.</summary>
    public RunConfig Config { get; private set; }

    /// <summary>Every problem of the current draft, from reading it and from the validator.</summary>
    public IReadOnlyList<ConfigError> Errors { get; private set; }

    public bool IsValid => Errors.Count == 0;

    /// <summary>Bumped on every edit, so views can tell that the draft changed.</summary>
    public int Version { get; private set; }

    /// <summary>The config as the run would store it; built on first read after an edit, then reused until the next.</summary>
    public string Json => _json ??= ConfigJson.Serialize(Config);

    /// <summary>The message to show beside a field, or null when the field is fine.</summary>
    public string? ErrorFor(string field)
    {
        var messages = Errors.Where(e => e.Field == field).Select(e => "expected " + e.Allowed).Distinct().ToList();
        return messages.Count == 0 ? null : string.Join("; ", messages);
    }

    /// <summary>The current value of a field, e.g. <c>Get&lt;double&gt;("loss.margin")</c>.</summary>
    public T? Get<T>(string field)
    {
        JsonNode? node = _root;
        foreach (var part in field.Split('.'))
            node = node is JsonObject o ? o[part] : null;
        if (node is null) return default;
        try { return node.Deserialize<T>(ConfigJson.Options); }
        catch (JsonException) { return default; }
    }

    /// <summary>Sets a field (dotted camelCase path) and validates the result.</summary>
    public void Set(string field, object? value)
    {
        var edited = (JsonObject)_root.DeepClone();
        try
        {
            ConfigJson.ApplyOverride(edited, field, JsonSerializer.SerializeToNode(value, ConfigJson.Options));
        }
        catch (ConfigException e)
        {
            Errors = e.Errors;
            Version++;
            return;
        }
        _root = edited;
        Revalidate();
    }

    /// <summary>Replaces the whole draft (a template was picked, a run was cloned).</summary>
    public void Reset(RunConfig config)
    {
        _root = ConfigJson.ToNode(config);
        Revalidate();
    }

    private void Revalidate()
    {
        Version++;
        _json = null;
        try
        {
            Config = ConfigJson.FromNode(_root);
            Errors = ConfigValidator.Validate(Config, _limits);
        }
        catch (ConfigException e)
        {
            Errors = e.Errors;
        }
    }
}
