namespace SbirLab.Core.Configs;

/// <summary>Where the data sets the lab knows by name are found when a config gives no folder.</summary>
public static class BuiltInDatasets
{
    /// <summary>Where Debian's <c>dataset-fashion-mnist</c> package installs FashionMNIST.</summary>
    public const string FashionMnistDefaultFolder = "/usr/share/datasets/fashion-mnist";

    /// <summary>FashionMNIST's classes (labels 0–9).</summary>
    public const int FashionMnistClasses = 10;

    /// <summary>FashionMNIST's training images of one class (6,000 each).</summary>
    public const int FashionMnistTrainImagesPerClass = 6_000;

    /// <summary>Environment variable that points at another folder holding FashionMNIST's IDX files.</summary>
    public const string FashionMnistVariable = "SBIRLAB_FASHION_MNIST";

    /// <summary>The FashionMNIST folder: <paramref name="folder"/>, else <see cref="FashionMnistVariable"/>, else the Debian package's.</summary>
    public static string FashionMnistFolder(string? folder) =>
        folder ?? Environment.GetEnvironmentVariable(FashionMnistVariable) ?? FashionMnistDefaultFolder;
}
