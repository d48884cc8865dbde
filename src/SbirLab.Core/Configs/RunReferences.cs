using System.Globalization;

namespace SbirLab.Core.Configs;

/// <summary>
/// The weight fields of a config (<c>model.pretrainedSketch</c>, <c>model.pretrainedPhoto</c>, <c>model.initFrom</c>)
/// take a path (weights file, checkpoint, run folder) or a run of the store: "#12" or "12" (its id) or its name (the
/// newest run of that name). The engine trains on paths only; the run store turns references into run folders when a
/// run starts (<see cref="Rewrite"/>), so a config keeps naming the run it meant.
/// </summary>
public static class RunReferences
{
    /// <summary>What the weight fields accept, for messages.</summary>
    public const string Allowed = "an existing weights file (safetensors or TorchSharp), checkpoint or run folder, or a run of the store (#id or name)";

    private static readonly string[] WeightExtensions = [".safetensors", ".pt", ".pth", ".bin", ".dat", ".ckpt"];

    /// <summary>The weight fields of <paramref name="config"/> that are set, with their values.</summary>
    public static IEnumerable<(string Field, string Value)> WeightFields(RunConfig config)
    {
        if (config.Model.PretrainedSketch is { } sketch) yield return ("model.pretrainedSketch", sketch);
        if (config.Model.PretrainedPhoto is { } photo) yield return ("model.pretrainedPhoto", photo);
        if (config.Model.InitFrom is { } init) yield return ("model.initFrom", init);
    }

    /// <summary>
    /// True when <paramref name="value"/> names a store run: not an existing file or folder, and without the marks
    /// of a path (a '/' or '\', or a weights file extension), so a mistyped path is reported as a missing file.
    /// </summary>
    public static bool IsRunReference(string value)
    {
        if (string.IsNullOrWhiteSpace(value) || File.Exists(value) || Directory.Exists(value)) return false;
        if (value.Contains('/') || value.Contains('\\')) return false;
        return !IsWeightsFile(value);
    }

    /// <summary>Whether a file name has the extension of a weights file (what a weight field loads besides run folders).</summary>
    public static bool IsWeightsFile(string name) => WeightExtensions.Any(e => name.EndsWith(e, StringComparison.OrdinalIgnoreCase));

    /// <summary>The run id of "#12" or "12"; null for a run name.</summary>
    public static long? RunId(string reference)
    {
        string digits = reference.StartsWith('#') ? reference[1..] : reference;
        return long.TryParse(digits, NumberStyles.None, CultureInfo.InvariantCulture, out var id) ? id : null;
    }

    /// <summary>The runs that the config's weight fields name (not paths).</summary>
    public static IReadOnlyList<(string Field, string Reference)> In(RunConfig config) =>
        WeightFields(config).Where(f => IsRunReference(f.Value)).ToList();

    /// <summary>The config with every run reference replaced by <paramref name="resolve"/>(field, reference), a path.</summary>
    public static RunConfig Rewrite(RunConfig config, Func<string, string, string> resolve)
    {
        string? Map(string field, string? value) => value is not null && IsRunReference(value) ? resolve(field, value) : value;
        var model = config.Model with
        {
            PretrainedSketch = Map("model.pretrainedSketch", config.Model.PretrainedSketch),
            PretrainedPhoto = Map("model.pretrainedPhoto", config.Model.PretrainedPhoto),
            InitFrom = Map("model.initFrom", config.Model.InitFrom),
        };
        return config with { Model = model };
    }

    /// <summary>Throws when a run reference reaches the engine unresolved (a run trained outside the store).</summary>
    public static void EnsureResolved(string field, string value)
    {
        if (IsRunReference(value))
        {
            throw new ConfigException([new ConfigError(field, value,
                "a path here: run references (#id or name) are resolved by the run store, so train through it (sbirlab train without --out, or queue), or give the run's folder")]);
        }
    }
}
