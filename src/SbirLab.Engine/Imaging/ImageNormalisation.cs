namespace SbirLab.Engine.Imaging;

/// <summary>
/// Per-channel mean and standard deviation applied after scaling pixels to [0, 1]: (x − mean) / std.
/// <see cref="ImageNet"/> is what torchvision/timm ImageNet weights expect.
/// </summary>
public sealed record ImageNormalisation(IReadOnlyList<float> Mean, IReadOnlyList<float> Std)
{
    /// <summary>ImageNet RGB statistics: mean (0.485, 0.456, 0.406), std (0.229, 0.224, 0.225).</summary>
    public static ImageNormalisation ImageNet { get; } = new([0.485f, 0.456f, 0.406f], [0.229f, 0.224f, 0.225f]);

    /// <summary>Single-channel stand-in for ImageNet: the averages of its three means and of its three stds.</summary>
    public static ImageNormalisation ImageNetGrey { get; } = new([0.449f], [0.226f]);

    /// <summary>Number of channels this normalisation applies to.</summary>
    public int Channels => Mean.Count;
}
