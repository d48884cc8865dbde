using TorchSharp;
using static TorchSharp.torch;

namespace SbirLab.Engine.Models;

/// <summary>Counts and shapes of a network's tensors, for logs, run provenance and checkpoint checks.</summary>
public static class ModuleStatistics
{
    /// <summary>Number of scalar parameters (all, or only those that require gradients), as PyTorch's <c>sum(p.numel())</c>.</summary>
    public static long ParameterCount(this nn.Module module, bool trainableOnly = false)
    {
        ArgumentNullException.ThrowIfNull(module);
        return module.parameters().Where(p => !trainableOnly || p.requires_grad).Sum(p => p.numel());
    }

    /// <summary>Name → shape of every state-dict entry (parameters and buffers), in registration order.</summary>
    public static IReadOnlyDictionary<string, long[]> StateShapes(this nn.Module module)
    {
        ArgumentNullException.ThrowIfNull(module);
        return module.state_dict().ToDictionary(entry => entry.Key, entry => entry.Value.shape);
    }
}
