using TorchSharp;
using static TorchSharp.torch;

namespace SbirLab.Engine.Models;

/// <summary>A tensor whose name matched but whose shape did not; it was left as it was.</summary>
/// <param name="Name">State-dict name relative to the module that was loaded.</param>
/// <param name="Expected">Shape in the module.</param>
/// <param name="Actual">Shape in the supplied state dict.</param>
public sealed record ShapeMismatch(string Name, long[] Expected, long[] Actual)
{
    /// <summary>"name: expected [a, b], got [c, d]".</summary>
    public override string ToString() => $"{Name}: expected [{string.Join(", ", Expected)}], got [{string.Join(", ", Actual)}]";
}

/// <summary>
/// What a non-strict state-dict load did: how many tensors it copied, which module entries got nothing (missing),
/// which supplied entries had no home (unexpected) and which were skipped because their shapes differ.
/// </summary>
public sealed record StateLoadReport(int Loaded, IReadOnlyList<string> Missing, IReadOnlyList<string> Unexpected, IReadOnlyList<ShapeMismatch> MisShaped)
{
    /// <summary>True when every entry of the module was loaded and nothing was left over.</summary>
    public bool IsExact => Missing.Count == 0 && Unexpected.Count == 0 && MisShaped.Count == 0;

    /// <summary>A multi-line human summary for logs.</summary>
    public string Describe()
    {
        var lines = new List<string> { $"loaded {Loaded} tensors" };
        lines.AddRange(Missing.Select(name => $"missing: {name}"));
        lines.AddRange(Unexpected.Select(name => $"unexpected: {name}"));
        lines.AddRange(MisShaped.Select(mismatch => $"mis-shaped: {mismatch}"));
        return string.Join(Environment.NewLine, lines);
    }
}

/// <summary>Copies a name → tensor dictionary into a module's parameters and buffers, by name, like PyTorch's <c>load_state_dict(strict=False)</c>.</summary>
public static class StateDictLoader
{
    /// <summary>
    /// Copies every supplied tensor whose name and shape match an entry of <paramref name="module"/>'s state dict
    /// (parameters and buffers, including BatchNorm running statistics), converting dtype and device as needed,
    /// and reports what did not match. Nothing is copied for mis-shaped entries.
    /// </summary>
    public static StateLoadReport Load(nn.Module module, IDictionary<string, Tensor> state)
    {
        ArgumentNullException.ThrowIfNull(module);
        ArgumentNullException.ThrowIfNull(state);
        var own = module.state_dict();
        var missing = own.Keys.Where(name => !state.ContainsKey(name)).ToList();
        var unexpected = state.Keys.Where(name => !own.ContainsKey(name)).ToList();
        var misShaped = new List<ShapeMismatch>();
        var loaded = 0;
        using var noGrad = torch.no_grad();
        foreach (var (name, target) in own)
        {
            if (!state.TryGetValue(name, out var source)) continue;
            if (!source.shape.SequenceEqual(target.shape))
            {
                misShaped.Add(new ShapeMismatch(name, target.shape, source.shape));
                continue;
            }
            target.copy_(source);
            loaded++;
        }
        return new StateLoadReport(loaded, missing, unexpected, misShaped);
    }

    /// <summary>
    /// The entries of <paramref name="state"/> whose names start with <paramref name="prefix"/>, with the prefix removed:
    /// e.g. the "sketch." part of a saved <see cref="SiameseNetwork"/>, ready for <see cref="SiameseNetwork.LoadBackboneState"/>.
    /// </summary>
    public static Dictionary<string, Tensor> SelectPrefix(IDictionary<string, Tensor> state, string prefix)
    {
        ArgumentNullException.ThrowIfNull(state);
        ArgumentNullException.ThrowIfNull(prefix);
        return state.Where(entry => entry.Key.StartsWith(prefix, StringComparison.Ordinal))
            .ToDictionary(entry => entry.Key[prefix.Length..], entry => entry.Value);
    }
}
