using System.Reflection;

namespace SbirLab.Engine.Torch;

/// <summary>
/// Where this process's libtorch comes from: the libtorch package beside TorchSharp (<see cref="ExternalFolder"/> null)
/// or a folder named by SBIRLAB_LIBTORCH / --libtorch; <see cref="LoadedFrom"/> is the folder whose
/// libtorch_cpu.so the process has mapped (from /proc/self/maps).
/// </summary>
public sealed record LibTorchOrigin(string? ExternalFolder, string? Version, string? VersionSource, string? LoadedFrom)
{
    /// <summary>TorchSharp's own version, e.g. "0.107.0".</summary>
    public static string TorchSharpVersion { get; } = typeof(TorchSharp.torch).Assembly.GetName().Version?.ToString(3) ?? "?";

    public bool VersionMatches => Version is not null && LibTorchVersion.SameRelease(Version, LibTorchVersion.TorchSharpBuiltFor);

    /// <summary>Says when the folder's libtorch is not (or may not be) the one TorchSharp was built for; null when it is.</summary>
    public string? Warning => ExternalFolder is null || VersionMatches ? null : Version is null
        ? $"the libtorch version in {ExternalFolder} is unknown (no ../version.py, ../build-version or NuGet .nuspec beside it); TorchSharp {TorchSharpVersion} was built for libtorch {LibTorchVersion.TorchSharpBuiltFor}"
        : $"libtorch {Version} in {ExternalFolder} is not the {LibTorchVersion.TorchSharpBuiltFor} that TorchSharp {TorchSharpVersion} was built for: functions TorchSharp calls may be missing or changed";

    /// <summary>One line, e.g. "external /opt/torch/lib (libtorch 2.10.0+cu128)" or "bundled with TorchSharp 0.107.0 (libtorch 2.10.0)".</summary>
    public string Describe() => ExternalFolder is null
        ? $"bundled with TorchSharp {TorchSharpVersion} (libtorch {Version ?? LibTorchVersion.TorchSharpBuiltFor}), loaded from {LoadedFrom ?? "?"}"
        : $"external {ExternalFolder} (libtorch {Version ?? "version unknown"}), loaded from {LoadedFrom ?? "?"}";

    /// <summary>The folder of the mapped library named <paramref name="fileName"/> (Linux), or null.</summary>
    internal static string? MappedFolder(string fileName)
    {
        const string maps = "/proc/self/maps";
        if (!File.Exists(maps)) return null;
        foreach (var line in File.ReadLines(maps))
        {
            int slash = line.IndexOf('/', StringComparison.Ordinal);
            if (slash < 0) continue;
            string path = line[slash..];
            if (Path.GetFileName(path) == fileName) return Path.GetDirectoryName(path);
        }
        return null;
    }
}
