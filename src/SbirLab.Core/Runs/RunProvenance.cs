using System.Diagnostics;
using System.Reflection;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace SbirLab.Core.Runs;

/// <summary>
/// Where and with what a run ran: the code commit and whether the work tree had uncommitted changes, the versions of
/// the packages that shape results, the host, and (added by the engine when training starts)
/// the seed, the device and its hardware and the libtorch it ran on. The one provenance type: the trainer tells it to
/// its observers at the start, the store keeps it with the run, an export writes it as provenance.json.
/// </summary>
public sealed record RunProvenance(string? CodeCommit, bool? CodeDirty, IReadOnlyDictionary<string, string> Packages, string Host)
{
    private static readonly Lazy<RunProvenance> Current = new(CaptureNow);

    /// <summary>Packages whose version is recorded: the numerics, the imaging and the store.</summary>
    public static readonly string[] TrackedAssemblies =
        ["SbirLab.Engine", "TorchSharp", "SkiaSharp", "Microsoft.EntityFrameworkCore", "Microsoft.Data.Sqlite"];

    public string Os { get; init; } = System.Runtime.InteropServices.RuntimeInformation.OSDescription;
    public string Runtime { get; init; } = Environment.Version.ToString();
    public DateTimeOffset Created { get; init; } = DateTimeOffset.UtcNow;

    public int? Seed { get; init; }

    /// <summary>The device as the trainer describes it ("cpu (2 threads)", "cuda:0").</summary>
    public string? Device { get; init; }

    public string? DeviceName { get; init; }
    public string? DeviceMemory { get; init; }
    public long? DeviceMemoryBytes { get; init; }
    public int? CpuCores { get; init; }
    public string? LibTorch { get; init; }
    public string? LibTorchFolder { get; init; }
    public string? LibTorchVersion { get; init; }
    public string? LibTorchWarning { get; init; }

    /// <summary>This process's provenance (computed once: git is asked only the first time, by whichever part asks first).</summary>
    public static RunProvenance Capture() => Current.Value;

    public string PackagesJson => JsonSerializer.Serialize(Packages);

    private static readonly JsonSerializerOptions JsonOptions = new()
    {
        WriteIndented = true,
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    };

    /// <summary>The provenance as JSON (what the store keeps and an export writes as provenance.json).</summary>
    public string ToJson() => JsonSerializer.Serialize(this, JsonOptions);

    /// <summary>A <see cref="ToJson"/> text read back (also the engine's provenance.json of runs written before the store kept it); null when unreadable.</summary>
    public static RunProvenance? FromJson(string json)
    {
        try
        {
            var read = JsonSerializer.Deserialize<RunProvenance>(json, JsonOptions);
            return read is null ? null : read with { Packages = read.Packages ?? new Dictionary<string, string>(), Host = read.Host ?? "" };
        }
        catch (JsonException) { return null; }
    }

    private static RunProvenance CaptureNow()
    {
        string? folder = FindGitFolder();
        string? commit = folder is null ? null : Git(folder, "rev-parse HEAD")?.Trim();
        bool? dirty = commit is null ? null : Git(folder!, "status --porcelain --untracked-files=no") is { } status ? status.Trim().Length > 0 : null;
        commit ??= Environment.GetEnvironmentVariable("SBIRLAB_COMMIT");
        return new RunProvenance(string.IsNullOrEmpty(commit) ? null : commit, dirty, PackageVersions(), Environment.MachineName);
    }

    /// <summary>The working directory or the program's folder, whichever lies in a git work tree.</summary>
    private static string? FindGitFolder()
    {
        foreach (var start in new[] { Environment.CurrentDirectory, AppContext.BaseDirectory })
        {
            for (var dir = new DirectoryInfo(start); dir is not null; dir = dir.Parent)
                if (Directory.Exists(Path.Combine(dir.FullName, ".git")) || File.Exists(Path.Combine(dir.FullName, ".git")))
                    return dir.FullName;
        }
        return null;
    }

    private static Dictionary<string, string> PackageVersions()
    {
        var versions = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var name in TrackedAssemblies)
        {
            var assembly = AppDomain.CurrentDomain.GetAssemblies().FirstOrDefault(a => a.GetName().Name == name) ?? TryLoad(name);
            if (assembly is null) continue;
            var informational = assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion;
            versions[name] = (informational ?? assembly.GetName().Version?.ToString() ?? "?").Split('+')[0];
        }
        versions[".NET"] = Environment.Version.ToString();
        return versions;
    }

    private static Assembly? TryLoad(string name)
    {
        try { return Assembly.Load(new AssemblyName(name)); }
        catch (Exception e) when (e is FileNotFoundException or FileLoadException or BadImageFormatException) { return null; }
    }

    /// <summary>Runs git; null when git is missing or fails.</summary>
    private static string? Git(string folder, string arguments)
    {
        try
        {
            var info = new ProcessStartInfo("git", $"-C \"{folder}\" {arguments}")
            {
                RedirectStandardOutput = true,
                RedirectStandardError = true,
                UseShellExecute = false,
            };
            using var process = Process.Start(info);
            if (process is null) return null;
            string output = process.StandardOutput.ReadToEnd();
            process.StandardError.ReadToEnd();
            return process.WaitForExit(5000) && process.ExitCode == 0 ? output : null;
        }
        catch (System.ComponentModel.Win32Exception)
        {
            return null;
        }
    }
}
