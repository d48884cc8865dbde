using SbirLab.Core.Runs;
using SbirLab.Engine.Models;
using static TorchSharp.torch;

namespace SbirLab.Engine.Weights;

/// <summary>One backbone's tensors under its own (torchvision or seed) names, and where they came from.</summary>
public sealed class BackboneTensors(Dictionary<string, Tensor> tensors, string source, string? prefix) : IDisposable
{
    /// <summary>Name → tensor with the branch prefix removed ("conv1.weight", "layer1.0.bn1.running_mean", ...).</summary>
    public Dictionary<string, Tensor> Tensors { get; } = tensors;

    /// <summary>The file the tensors were read from.</summary>
    public string Source { get; } = source;

    /// <summary>The prefix they had there ("sketch.", "photo.", "backbone."), or null for a plain backbone file.</summary>
    public string? Prefix { get; } = prefix;

    /// <summary>"file" or "file (sketch.*)", for logs and messages.</summary>
    public string Describe() => Prefix is null ? Source : $"{Source} ({Prefix}*)";

    public void Dispose()
    {
        foreach (var tensor in Tensors.Values) tensor.Dispose();
    }
}

/// <summary>
/// Finds the backbone of a branch in any weights we write or import: a plain backbone file (torchvision names), an
/// SbirLab checkpoint (model state under "model.") or a run folder (its last checkpoint). Inside a model state the
/// branch's own backbone is taken: "sketch.*" / "photo.*" of a two-branch run, "backbone.*" of a shared-weight run
/// (the one backbone serves either branch). So a run trained on one domain pretrains that branch of a later run.
/// </summary>
public static class BackboneWeights
{
    private const string CheckpointModelPrefix = "model.";

    /// <summary>The prefix of each branch's backbone in a two-branch network's state.</summary>
    public static string BranchPrefix(Domain branch) => branch == Domain.Sketch ? "sketch." : "photo.";

    /// <summary>The shared backbone's prefix in a shared-weight network's state.</summary>
    public const string SharedPrefix = "backbone.";

    /// <summary>
    /// Reads the backbone for <paramref name="branch"/> from <paramref name="path"/> (weights file, checkpoint or run folder).
    /// </summary>
    /// <exception cref="FileNotFoundException">No such file, or a run folder without a checkpoint.</exception>
    /// <exception cref="InvalidDataException">A model state with no backbone for that branch.</exception>
    public static BackboneTensors Read(string path, Domain branch)
    {
        string file = CheckpointFile(path);
        var all = WeightFiles.Read(file);
        var state = IsCheckpoint(all) ? Select(all, CheckpointModelPrefix) : all;
        string? prefix = BackbonePrefix(state.Keys, branch);
        if (prefix is null && state.Keys.Any(k => k.StartsWith("head.", StringComparison.Ordinal) || k.StartsWith("classifier.", StringComparison.Ordinal)))
        {
            DisposeAll(all);
            throw new InvalidDataException($"{file} holds a network with no backbone for the {Name(branch)} branch (no sketch.*, photo.* or backbone.* tensors)");
        }
        var backbone = prefix is null ? state : Select(state, prefix);
        foreach (var (name, tensor) in all)
        {
            if (!backbone.ContainsValue(tensor)) tensor.Dispose();
        }
        return new BackboneTensors(backbone, file, prefix);
    }

    /// <summary>
    /// Writes the backbone of <paramref name="branch"/> found in <paramref name="path"/> to <paramref name="output"/> as
    /// safetensors with the backbone's own names (torchvision's for ResNets), loadable into a fresh backbone; returns how many tensors.
    /// </summary>
    public static int Export(string path, Domain branch, string output)
    {
        using var backbone = Read(path, branch);
        var metadata = new Dictionary<string, string>
        {
            ["format"] = "sbirlab-backbone/1",
            ["source"] = Path.GetFileName(backbone.Source),
            ["branch"] = Name(branch),
            ["prefix"] = backbone.Prefix ?? "",
        };
        string? folder = Path.GetDirectoryName(Path.GetFullPath(output));
        if (folder is not null) Directory.CreateDirectory(folder);
        SafeTensors.Save(output, backbone.Tensors.OrderBy(t => t.Key, StringComparer.Ordinal), metadata: metadata);
        return backbone.Tensors.Count;
    }

    /// <summary>A run folder's last checkpoint, or the file itself.</summary>
    public static string CheckpointFile(string path)
    {
        if (!Directory.Exists(path)) return File.Exists(path) ? path : throw new FileNotFoundException($"no weights file, checkpoint or run folder at {path}");
        string last = new RunFolder(path).LastCheckpoint;
        return File.Exists(last) ? last : throw new FileNotFoundException($"the run in {path} has no checkpoint yet (train it first)");
    }

    /// <summary>"sketch" or "photo".</summary>
    public static string Name(Domain branch) => branch.ToString().ToLowerInvariant();

    /// <summary>The branch's prefix when the state holds it, else the shared backbone's, else null (a plain backbone file).</summary>
    internal static string? BackbonePrefix(IEnumerable<string> names, Domain branch)
    {
        var list = names as IReadOnlyCollection<string> ?? names.ToList();
        foreach (var prefix in new[] { BranchPrefix(branch), SharedPrefix })
        {
            if (list.Any(n => n.StartsWith(prefix, StringComparison.Ordinal))) return prefix;
        }
        return null;
    }

    private static bool IsCheckpoint(Dictionary<string, Tensor> tensors) =>
        tensors.Keys.Any(k => k.StartsWith(CheckpointModelPrefix, StringComparison.Ordinal))
        && tensors.Keys.All(k => k.StartsWith(CheckpointModelPrefix, StringComparison.Ordinal) || k.StartsWith("optimizer.", StringComparison.Ordinal));

    private static Dictionary<string, Tensor> Select(Dictionary<string, Tensor> tensors, string prefix) =>
        tensors.Where(t => t.Key.StartsWith(prefix, StringComparison.Ordinal))
            .ToDictionary(t => t.Key[prefix.Length..], t => t.Value, StringComparer.Ordinal);

    private static void DisposeAll(Dictionary<string, Tensor> tensors)
    {
        foreach (var tensor in tensors.Values) tensor.Dispose();
    }

}
