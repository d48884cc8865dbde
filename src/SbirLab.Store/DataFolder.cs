using SbirLab.Core.Runs;

namespace SbirLab.Store;

/// <summary>
/// The data folder that holds the database and every run's files. One rule for every front end:
/// the <c>--data</c> option, else the environment variable <c>SBIRLAB_DATA</c>, else <c>./data</c>
/// in the working directory, so the web lab, the command line and a headless worker agree.
/// </summary>
public sealed class DataFolder
{
    /// <summary>The environment variable that names the data folder when no option does.</summary>
    public const string EnvironmentVariable = "SBIRLAB_DATA";

    /// <summary>The folder used when neither the option nor the environment names one.</summary>
    public const string DefaultFolder = "data";

    public DataFolder(string root)
    {
        Root = Path.GetFullPath(root);
    }

    /// <summary>Absolute path of the data folder.</summary>
    public string Root { get; }

    /// <summary>The SQLite database file.</summary>
    public string DatabasePath => Path.Combine(Root, "sbirlab.db");

    /// <summary>The folder under which each run has a folder named by its id.</summary>
    public string RunsRoot => Path.Combine(Root, "runs");

    /// <summary>The folder of run <paramref name="runId"/>, relative to <see cref="Root"/>.</summary>
    public static string RelativeRunPath(long runId) => Path.Combine("runs", runId.ToString(System.Globalization.CultureInfo.InvariantCulture));

    /// <summary>The files of run <paramref name="runId"/> (not created).</summary>
    public RunFolder RunFolder(long runId) => new(Path.Combine(Root, RelativeRunPath(runId)));

    /// <summary>A path below the data folder made absolute; absolute paths pass unchanged.</summary>
    public string Absolute(string path) => Path.IsPathRooted(path) ? path : Path.Combine(Root, path);

    /// <summary>A path made relative to the data folder when it lies inside it, else returned absolute.</summary>
    public string Relative(string path)
    {
        string full = Path.GetFullPath(path);
        string relative = Path.GetRelativePath(Root, full);
        return relative.StartsWith("..", StringComparison.Ordinal) || Path.IsPathRooted(relative) ? full : relative;
    }

    /// <summary>Creates the folder (and its runs folder) when missing.</summary>
    public DataFolder Create()
    {
        Directory.CreateDirectory(RunsRoot);
        return this;
    }

    /// <summary>The data folder named by the option, else by <c>SBIRLAB_DATA</c>, else <c>./data</c>.</summary>
    public static DataFolder Resolve(string? option) => new(ResolvePath(option));

    /// <summary>The path <see cref="Resolve"/> picks, made absolute against the working directory.</summary>
    public static string ResolvePath(string? option)
    {
        if (!string.IsNullOrWhiteSpace(option)) return Path.GetFullPath(option);
        string? fromEnvironment = Environment.GetEnvironmentVariable(EnvironmentVariable);
        return Path.GetFullPath(string.IsNullOrWhiteSpace(fromEnvironment) ? DefaultFolder : fromEnvironment);
    }

    public override string ToString() => Root;
}
