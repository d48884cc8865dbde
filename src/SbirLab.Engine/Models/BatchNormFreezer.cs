using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace SbirLab.Engine.Models;

/// <summary>
/// Seed 003's "BatchNorm in test mode and not trained": puts every BatchNorm module of a network in eval mode (it then
/// normalises with its running statistics and stops updating them) and stops the gradients of its weight and bias.
/// </summary>
/// <remarks>
/// <c>Module.train()</c> switches every submodule back to training mode, so call <see cref="Freeze"/> again after each
/// <c>train()</c> (a trainer does <c>model.train(); BatchNormFreezer.Freeze(model);</c> at the start of every epoch).
/// The <c>requires_grad = false</c> part survives <c>train()</c>; an optimiser skips parameters that never receive a gradient.
/// </remarks>
public static class BatchNormFreezer
{
    /// <summary>Freezes every BatchNorm1d/2d/3d inside <paramref name="model"/> (itself included); returns how many.</summary>
    public static int Freeze(nn.Module model) => Apply(model, frozen: true);

    /// <summary>Undoes <see cref="Freeze"/>: gradients flow again and the modules follow <paramref name="training"/>.</summary>
    public static int Unfreeze(nn.Module model, bool training = true) => Apply(model, frozen: false, training);

    private static int Apply(nn.Module model, bool frozen, bool training = false)
    {
        ArgumentNullException.ThrowIfNull(model);
        var count = 0;
        foreach (var norm in BatchNorms(model))
        {
            norm.train(!frozen && training);
            foreach (var parameter in norm.parameters())
            {
                parameter.requires_grad = !frozen;
            }
            count++;
        }
        return count;
    }

    private static IEnumerable<BatchNorm> BatchNorms(nn.Module model) =>
        model.modules().Prepend(model).OfType<BatchNorm>().Distinct();
}
