using System.Diagnostics;
using System.Reflection;
using System.Text.Json;
using SbirLab.Core.Runs;

namespace SbirLab.Engine.Training;

/// <summary>
/// Where a run came from: code commit, seed, package versions, device and its hardware (GPU name and memory,
/// or CPU model, cores and RAM), the libtorch it ran on (the external folder when SBIRLAB_LIBTORCH named one), host.
/// </summary>
public sealed record Provenance(
    string? CodeCommit,
    bool? DirtyTree,
    int Seed,
    string Device,
    string DeviceName,
    string? DeviceMemory,
    long? DeviceMemoryBytes,
    int? CpuCores,
    string LibTorch,
    string? LibTorchFolder,
    string? LibTorchVersion,
    string? LibTorchWarning,
    string Host,
    string Os,
    string Runtime,
    IReadOnlyDictionary<string, string> Packages,
    DateTimeOffset Created)
{
    public static Provenance Capture(int seed, TorchSharp.torch.Device device)
    {
        var (commit, dirty) = GitState();
        var hardware = TorchRuntime.Hardware(device);
        var libTorch = TorchRuntime.LibTorch;
        return new Provenance(commit, dirty, seed, TorchRuntime.Describe(device),
            hardware.Name, hardware.Memory, hardware.MemoryBytes, hardware.Cores,
            libTorch.Describe(), libTorch.ExternalFolder, libTorch.Version, libTorch.Warning,
            Environment.MachineName,
            System.Runtime.InteropServices.RuntimeInformation.OSDescription, Environment.Version.ToString(),
            PackageVersions(), DateTimeOffset.UtcNow);
    }

    public void Save(string path) => AtomicFile.WriteAllText(path, JsonSerializer.Serialize(this, JsonOptions));

    private static readonly JsonSerializerOptions JsonOptions = new() { WriteIndented = true, PropertyNamingPolicy = JsonNamingPolicy.CamelCase };

    private static Dictionary<string, string> PackageVersions()
    {
        var versions = new Dictionary<string, string>();
        foreach (var (name, type) in new[] { ("TorchSharp", typeof(TorchSharp.torch)), ("SkiaSharp", typeof(SkiaSharp.SKBitmap)), ("SbirLab.Engine", typeof(Provenance)) })
        {
            var assembly = type.Assembly;
            versions[name] = assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion
                ?? assembly.GetName().Version?.ToString() ?? "?";
        }
        return versions;
    }

    /// <summary>HEAD commit and whether the work tree has changes, when git and a repository are at hand.</summary>
    private static (string? Commit, bool? Dirty) GitState()
    {
        string? commit = Git("rev-parse HEAD");
        if (commit is null) return (null, null);
        string? status = Git("status --porcelain --untracked-files=no");
        return (commit.Trim(), status is null ? null : status.Trim().Length > 0);
    }

    private static string? Git(string arguments)
    {
        try
        {
            var start = new ProcessStartInfo("git", arguments)
            {
                RedirectStandardOutput = true,
                RedirectStandardError = true,
                WorkingDirectory = AppContext.BaseDirectory,
            };
            using var process = Process.Start(start);
            if (process is null) return null;
            string output = process.StandardOutput.ReadToEnd();
            process.WaitForExit(5000);
            return process.ExitCode == 0 ? output : null;
        }
        catch (System.ComponentModel.Win32Exception)
        {
            return null;
        }
    }
}
