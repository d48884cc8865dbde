using System.Diagnostics;
using System.Reflection;
using System.Text.Json;

namespace SbirLab.Store;

/// <summary>
/// Where and with what a run ran: the code commit and whether the work tree had uncommitted changes,
/// the versions of the packages that shape results, and the host. Recorded with every run so a
/// grader can tell exactly what produced a curve.
/// </summary>
public sealed record RunProvenance(string? CodeCommit, bool? CodeDirty, IReadOnlyDictionary<string, string> Packages, string Host)
{
    private static readonly Lazy<RunProvenance> Current = new(CaptureNow);

    /// <summary>Packages whose version is recorded: the numerics, the imaging and the store.</summary>
    public static readonly string[] TrackedAssemblies =
        ["SbirLab.Engine", "TorchSharp", "SkiaSharp", "Microsoft.EntityFrameworkCore", "Microsoft.Data.Sqlite"];

    /// <summary>This process's provenance (computed once: git is asked only the first time).</summary>
    public static RunProvenance Capture() => Current.Value;

    public string PackagesJson => JsonSerializer.Serialize(Packages);

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
