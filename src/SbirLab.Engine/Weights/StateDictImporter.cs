using System.Globalization;
using System.Text;
using TorchSharp;
using static TorchSharp.torch;

namespace SbirLab.Engine.Weights;

/// <summary>A tensor name and its shape.</summary>
public sealed record TensorEntry(string Name, IReadOnlyList<long> Shape)
{
    /// <inheritdoc />
    public override string ToString() => $"{Name} {StateDictImporter.FormatShape(Shape)}";
}

/// <summary>A tensor present on both sides with different shapes.</summary>
public sealed record ShapeMismatch(string Name, IReadOnlyList<long> ModuleShape, IReadOnlyList<long> FileShape)
{
    /// <inheritdoc />
    public override string ToString() =>
        $"{Name}: module {StateDictImporter.FormatShape(ModuleShape)}, file {StateDictImporter.FormatShape(FileShape)}";
}

/// <summary>
/// What an import did: names loaded, module tensors the source lacks (<see cref="Missing"/>), source tensors the
/// module lacks (<see cref="Unexpected"/>, after prefix and renames), and shape conflicts (<see cref="Mismatched"/>,
/// left untouched). <see cref="Ignored"/> counts source tensors outside the requested prefix.
/// </summary>
public sealed record ImportReport(
    IReadOnlyList<string> Loaded,
    IReadOnlyList<TensorEntry> Missing,
    IReadOnlyList<TensorEntry> Unexpected,
    IReadOnlyList<ShapeMismatch> Mismatched,
    int Ignored)
{
    /// <summary>True when every module tensor was loaded and nothing was left over.</summary>
    public bool IsComplete => Missing.Count == 0 && Unexpected.Count == 0 && Mismatched.Count == 0;

    /// <summary>
    /// Missing tensors other than BatchNorm's <c>num_batches_tracked</c> counters, which some checkpoints omit and
    /// which only matter for momentum-less BatchNorm.
    /// </summary>
    public IReadOnlyList<TensorEntry> MissingExceptBatchCounters =>
        Missing.Where(m => !m.Name.EndsWith("num_batches_tracked", StringComparison.Ordinal)).ToList();

    /// <summary>A short human-readable summary with every problem on its own line.</summary>
    public string ToText()
    {
        var text = new StringBuilder();
        text.AppendLine(CultureInfo.InvariantCulture,
            $"loaded {Loaded.Count}, missing {Missing.Count}, unexpected {Unexpected.Count}, mis-shaped {Mismatched.Count}, ignored {Ignored}");
        foreach (var entry in Missing)
        {
            text.AppendLine(CultureInfo.InvariantCulture, $"  missing     {entry}");
        }

        foreach (var entry in Unexpected)
        {
            text.AppendLine(CultureInfo.InvariantCulture, $"  unexpected  {entry}");
        }

        foreach (var entry in Mismatched)
        {
            text.AppendLine(CultureInfo.InvariantCulture, $"  mis-shaped  {entry}");
        }

        return text.ToString();
    }
}

/// <summary>
/// Copies a name → tensor dictionary into a module's parameters and buffers (under <c>no_grad</c>, converting dtype
/// and device as needed) and reports what did not fit, instead of failing on the first difference. Our ResNets use
/// torchvision's names, which timm's ResNets share, so those checkpoints load without renames; for models whose
/// classifier is <c>head.fc</c> use <see cref="TimmHeadRenames"/>.
/// </summary>
public static class StateDictImporter
{
    /// <summary>Maps timm's <c>head.fc.*</c> classifier names onto torchvision's <c>fc.*</c>.</summary>
    public static IReadOnlyDictionary<string, string> TimmHeadRenames { get; } =
        new Dictionary<string, string>(StringComparer.Ordinal) { ["head.fc."] = "fc." };

    /// <summary>
    /// Loads <paramref name="tensors"/> into <paramref name="module"/>. With a <paramref name="prefix"/> (e.g.
    /// <c>"backbone."</c>) only source names starting with it are used, with the prefix removed; the rest are
    /// counted as ignored. <paramref name="renames"/> then maps source names to module names: an exact key renames
    /// one tensor, a key ending in '.' renames a name prefix (longest match wins).
    /// </summary>
    public static ImportReport Apply(nn.Module module, IDictionary<string, Tensor> tensors, string? prefix = null,
        IReadOnlyDictionary<string, string>? renames = null)
    {
        var target = module.state_dict();
        var (source, ignored) = SelectAndRename(tensors, prefix, renames);
        var loaded = new List<string>();
        var mismatched = new List<ShapeMismatch>();
        using (no_grad())
        {
            foreach (var (name, value) in source)
            {
                if (!target.TryGetValue(name, out var destination))
                {
                    continue;
                }

                if (!destination.shape.SequenceEqual(value.shape))
                {
                    mismatched.Add(new ShapeMismatch(name, destination.shape, value.shape));
                    continue;
                }

                destination.copy_(value);
                loaded.Add(name);
            }
        }

        var missing = target.Where(t => !source.ContainsKey(t.Key)).Select(t => new TensorEntry(t.Key, t.Value.shape)).ToList();
        var unexpected = source.Where(s => !target.ContainsKey(s.Key)).Select(s => new TensorEntry(s.Key, s.Value.shape)).ToList();
        return new ImportReport(loaded, missing, unexpected, mismatched, ignored);
    }

    /// <summary>
    /// Loads a weight file into <paramref name="module"/>: <c>.safetensors</c> with <see cref="SafeTensors"/>,
    /// anything else as a TorchSharp <c>Module.save</c> file with <see cref="TorchSharpStateFile"/>.
    /// </summary>
    public static ImportReport ApplyFile(nn.Module module, string path, string? prefix = null,
        IReadOnlyDictionary<string, string>? renames = null)
    {
        var tensors = path.EndsWith(".safetensors", StringComparison.OrdinalIgnoreCase)
            ? SafeTensors.Load(path)
            : TorchSharpStateFile.Load(path);
        try
        {
            return Apply(module, tensors, prefix, renames);
        }
        finally
        {
            foreach (var tensor in tensors.Values)
            {
                tensor.Dispose();
            }
        }
    }

    /// <summary>The name a source tensor gets after the prefix cut and the renames; null when outside the prefix.</summary>
    public static string? MapName(string name, string? prefix, IReadOnlyDictionary<string, string>? renames)
    {
        if (!string.IsNullOrEmpty(prefix))
        {
            if (!name.StartsWith(prefix, StringComparison.Ordinal))
            {
                return null;
            }

            name = name[prefix.Length..];
        }

        if (renames is null)
        {
            return name;
        }

        if (renames.TryGetValue(name, out var exact))
        {
            return exact;
        }

        var best = renames.Keys
            .Where(k => k.EndsWith('.') && name.StartsWith(k, StringComparison.Ordinal))
            .OrderByDescending(k => k.Length)
            .FirstOrDefault();
        return best is null ? name : renames[best] + name[best.Length..];
    }

    internal static string FormatShape(IReadOnlyList<long> shape) => "[" + string.Join(", ", shape) + "]";

    private static (Dictionary<string, Tensor> Source, int Ignored) SelectAndRename(IDictionary<string, Tensor> tensors,
        string? prefix, IReadOnlyDictionary<string, string>? renames)
    {
        var source = new Dictionary<string, Tensor>(StringComparer.Ordinal);
        var ignored = 0;
        foreach (var (name, tensor) in tensors)
        {
            var mapped = MapName(name, prefix, renames);
            if (mapped is null)
            {
                ignored++;
            }
            else
            {
                source[mapped] = tensor;
            }
        }

        return (source, ignored);
    }
}
