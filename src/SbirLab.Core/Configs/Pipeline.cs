using System.Text.Json;
using System.Text.Json.Nodes;

namespace SbirLab.Core.Configs;

/// <summary>
/// A run chain: runs queued together, where a later run names earlier ones (by their <c>name</c>) in its weight
/// fields (<see cref="RunReferences.WeightFields"/>). Seed 000's recipe is one: pretrain a sketch backbone,
/// pretrain a photo backbone, then train the two-branch siamese network from both. A pipeline file is a JSON
/// object with a <c>runs</c> array of run configs (and an optional <c>name</c> and <c>description</c>).
/// </summary>
public sealed record Pipeline(string Name, string? Description, IReadOnlyList<RunConfig> Runs)
{
    /// <summary>The field that marks a file as a pipeline rather than one run's config.</summary>
    public const string RunsField = "runs";

    private static readonly string[] TopFields = ["name", "description", RunsField];

    /// <summary>The tag every run of the chain is queued with ("pipeline:seed-000"): the runs table filters a chain by it.</summary>
    public string Tag => "pipeline:" + Name;

    /// <summary>True when <paramref name="json"/> is a pipeline file (an object with a <c>runs</c> array).</summary>
    public static bool IsPipeline(string json) => ExperimentFiles.KindOf(json) == ExperimentKind.Pipeline;

    /// <summary>
    /// Reads a pipeline file, applies <paramref name="overrides"/> to every run, and validates each run and the
    /// chain's references; throws <see cref="ConfigException"/> with fields named <c>runs[2].loss.margin</c>.
    /// </summary>
    public static Pipeline Parse(string json, IEnumerable<string>? overrides = null, HostLimits? limits = null)
    {
        var pipeline = ParseUnvalidated(json, overrides);
        var errors = pipeline.Validate(limits);
        if (errors.Count > 0) throw new ConfigException(errors);
        return pipeline;
    }

    /// <summary>
    /// Reads a pipeline without validating its runs. A run is a config object, or the name of a config file beside
    /// the pipeline's ("fm-drawn-1-pretrain-sketch.json"), read through <paramref name="readFile"/>, so each step's
    /// config keeps one home and can still be trained alone.
    /// </summary>
    public static Pipeline ParseUnvalidated(string json, IEnumerable<string>? overrides = null, Func<string, string?>? readFile = null)
    {
        var root = ConfigJson.ParseObject(json);
        foreach (var (key, _) in root)
            if (!TopFields.Contains(key)) throw new ConfigException([new ConfigError(key, "(unknown field)", "a known field: " + string.Join(", ", TopFields))]);
        if (root[RunsField] is not JsonArray steps || steps.Count == 0)
            throw new ConfigException([new ConfigError(RunsField, "(missing)", "a non-empty array of run configs")]);
        var runs = new List<RunConfig>();
        var errors = new List<ConfigError>();
        for (int i = 0; i < steps.Count; i++)
        {
            if (StepText(steps[i], readFile) is not { } text)
            {
                errors.Add(new ConfigError($"runs[{i}]", steps[i]!.ToJsonString(), "a run config, or the name of a config file beside the pipeline's"));
                continue;
            }
            try { runs.Add(ConfigJson.ParseUnvalidated(text, overrides)); }
            catch (ConfigException e) { errors.AddRange(Prefixed(i, e.Errors)); }
        }
        if (errors.Count > 0) throw new ConfigException(errors);
        return new Pipeline(Text(root, "name") ?? runs[^1].Name, Text(root, "description"), runs);
    }

    /// <summary>Reads and validates a pipeline file (its runs' files beside it); throws <see cref="ConfigException"/>.</summary>
    public static Pipeline Load(string path, IEnumerable<string>? overrides = null, HostLimits? limits = null)
    {
        var pipeline = LoadUnvalidated(path, overrides);
        var errors = pipeline.Validate(limits);
        if (errors.Count > 0) throw new ConfigException(errors);
        return pipeline;
    }

    /// <summary>Reads a pipeline file (its runs' files beside it) without validating: the run service checks the chain when it is queued.</summary>
    public static Pipeline LoadUnvalidated(string path, IEnumerable<string>? overrides = null)
    {
        if (!File.Exists(path)) throw new ConfigException([new ConfigError("(file)", path, "an existing JSON pipeline file")]);
        string folder = Path.GetDirectoryName(Path.GetFullPath(path))!;
        return ParseUnvalidated(File.ReadAllText(path), overrides, name => ReadBeside(folder, name));
    }

    /// <summary>A run's config file in <paramref name="folder"/> (no folder parts: a step file lies beside its pipeline), or null.</summary>
    public static string? ReadBeside(string folder, string name)
    {
        if (name != Path.GetFileName(name)) return null;
        string path = Path.Combine(folder, name);
        return File.Exists(path) ? File.ReadAllText(path) : null;
    }

    /// <summary>A run's config text: the object itself, or the file it names; null for a file that cannot be read.</summary>
    private static string? StepText(JsonNode? step, Func<string, string?>? readFile) =>
        step is JsonValue value && value.TryGetValue<string>(out var name) ? readFile?.Invoke(name) : step?.ToJsonString() ?? "null";

    /// <summary>Every run's own problems (<see cref="ConfigValidator.Validate(RunConfig, HostLimits?)"/>, each run once), plus the chain's (<see cref="LinkErrors()"/>).</summary>
    public IReadOnlyList<ConfigError> Validate(HostLimits? limits = null) =>
        Runs.SelectMany((run, i) => Prefixed(i, ConfigValidator.Validate(run, limits)).Concat(LinkErrors(i))).ToList();

    /// <summary>
    /// The chain's own rules, which need no run's config checked: run names are unique within it, and a reference to a
    /// run of the chain names an earlier one (a run cannot wait for itself or for a later one).
    /// </summary>
    public IReadOnlyList<ConfigError> LinkErrors() => Enumerable.Range(0, Runs.Count).SelectMany(LinkErrors).ToList();

    private IEnumerable<ConfigError> LinkErrors(int index)
    {
        var run = Runs[index];
        if (StepNamed(run.Name, index) >= 0)
            yield return new ConfigError($"runs[{index}].name", run.Name, "a name no other run of the pipeline has");
        foreach (var (field, reference) in RunReferences.In(run))
        {
            if (reference == run.Name || StepNamed(reference, index) < 0 && Names(reference))
                yield return new ConfigError($"runs[{index}].{field}", reference, "an earlier run of the pipeline (runs start in order), or a run of the store");
        }
    }

    /// <summary>Whether some run of the chain is called <paramref name="name"/> (a reference to it is the chain's, never a store run's).</summary>
    public bool Names(string name) => Runs.Any(r => r.Name == name);

    /// <summary>The run of the chain that <paramref name="reference"/> names among the first <paramref name="before"/> runs, or -1.</summary>
    public int StepNamed(string reference, int before)
    {
        for (int i = 0; i < before; i++)
            if (Runs[i].Name == reference) return i;
        return -1;
    }

    /// <summary>The pipeline as JSON (what a run chain's template holds).</summary>
    public string Serialize()
    {
        var root = new JsonObject { ["name"] = Name };
        if (Description is not null) root["description"] = Description;
        root[RunsField] = new JsonArray(Runs.Select(r => JsonNode.Parse(ConfigJson.Serialize(r))).ToArray());
        return root.ToJsonString(new JsonSerializerOptions { WriteIndented = true });
    }

    private static string? Text(JsonObject root, string field) => root[field] switch
    {
        null => null,
        JsonValue value when value.TryGetValue<string>(out var text) => text,
        var other => throw new ConfigException([new ConfigError(field, other.ToJsonString(), "a text")]),
    };

    /// <summary>Errors of run <paramref name="index"/>'s config, their fields named as in the pipeline (<c>runs[2].loss.margin</c>).</summary>
    public static IEnumerable<ConfigError> Prefixed(int index, IEnumerable<ConfigError> errors) =>
        errors.Select(e => e with { Field = $"runs[{index}].{e.Field}" });
}
