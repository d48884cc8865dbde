namespace SbirLab.Engine.Models;

/// <summary>Builds a backbone from the name a run configuration carries ("convnet", "resnet18", "resnet34", "resnet50").</summary>
public static class Backbones
{
    /// <summary>The names <see cref="Create"/> accepts (case-insensitive).</summary>
    public static readonly IReadOnlyList<string> Names = ["convnet", "resnet18", "resnet34", "resnet50"];

    /// <summary>Builds the named backbone; <paramref name="numClasses"/> 0 builds it without its own classifier.</summary>
    /// <exception cref="ArgumentException">The name is not one of <see cref="Names"/>.</exception>
    public static IBackbone Create(string name, int inputChannels, int numClasses)
    {
        ArgumentNullException.ThrowIfNull(name);
        return name.Trim().ToLowerInvariant() switch
        {
            "convnet" => new ConvNet(numClasses, inputChannels),
            "resnet18" => ResNet.Create(18, numClasses, inputChannels),
            "resnet34" => ResNet.Create(34, numClasses, inputChannels),
            "resnet50" => ResNet.Create(50, numClasses, inputChannels),
            _ => throw new ArgumentException($"Unknown backbone '{name}'; allowed: {string.Join(", ", Names)}.", nameof(name)),
        };
    }

    /// <summary>Whether <paramref name="name"/> is one of <see cref="Names"/>.</summary>
    public static bool IsKnown(string? name) =>
        name is not null && Names.Contains(name.Trim().ToLowerInvariant());
}
