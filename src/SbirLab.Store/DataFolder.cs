using SbirLab.Core.Configs;
using SbirLab.Core.Runs;

namespace SbirLab.Store;

/// <summary>
/// The data folder that holds the database and every run's files. One rule for every front end:
/// the <c>--data</c> option, else the environment variable <c>SBIRLAB_DATA</c>, else <c>./data</c>
/// in the working directory, so the web lab, the command line and a headless worker agree. The runs' files
/// (checkpoints, pictures, reports, gallery indexes: <see cref="RunsRoot"/>) live under the artifact root, the data
/// folder unless <c>--artifacts</c> or <c>SBIRLAB_ARTIFACTS</c> names another (a folder that workers on several machines
/// and the lab share, such as an NFS mount); every file there is written aside and renamed (<see cref="AtomicFile"/>).
/// </summary>
public sealed class DataFolder
{
    /// <summary>The environment variable that names the data folder when no option does.</summary>
    public const string EnvironmentVariable = "SBIRLAB_DATA";

    /// <summary>The folder used when neither the option nor the environment names one.</summary>
    public const string DefaultFolder = "data";

    /// <summary>Extra folders runs may read data sets from, separated by ':' (';' on Windows).</summary>
    public const string DatasetRootsVariable = "SBIRLAB_DATASET_ROOTS";

    /// <summary>Extra folders runs may read weights files from, separated as <see cref="DatasetRootsVariable"/>.</summary>
    public const string WeightRootsVariable = "SBIRLAB_WEIGHT_ROOTS";

    /// <summary>The environment variable that names the artifact root when no option does.</summary>
    public const string ArtifactsVariable = "SBIRLAB_ARTIFACTS";

    private readonly Lazy<PathRoots> _roots;
    private readonly Lazy<HostLimits> _limits;
    private PathRoots? _rootsSet;

    /// <param name="root">The data folder.</param>
    /// <param name="artifacts">The artifact root, where the runs' folders live; null: the data folder.</param>
    public DataFolder(string root, string? artifacts = null)
    {
        Root = Path.GetFullPath(root);
        ArtifactsRoot = string.IsNullOrWhiteSpace(artifacts) ? Root : Path.GetFullPath(artifacts);
        _roots = new Lazy<PathRoots>(DefaultRoots);
        _limits = new Lazy<HostLimits>(() => HostLimits.FromEnvironment(Roots));
    }

    /// <summary>Absolute path of the data folder.</summary>
    public string Root { get; }

    /// <summary>The SQLite database file.</summary>
    public string DatabasePath => Path.Combine(Root, "sbirlab.db");

    /// <summary>Where the runs' folders live: the data folder, or a folder that the lab and workers on other machines share.</summary>
    public string ArtifactsRoot { get; }

    /// <summary>The folder under which each run has a folder named by its id (in <see cref="ArtifactsRoot"/>).</summary>
    public string RunsRoot => Path.Combine(ArtifactsRoot, "runs");

    /// <summary>Where data sets go by default: the one data set root besides FashionMNIST's folder and <see cref="DatasetRootsVariable"/>.</summary>
    public string DatasetsRoot => Path.Combine(Root, "datasets");

    /// <summary>Where pretrained weights go by default.</summary>
    public string WeightsRoot => Path.Combine(Root, "weights");

    /// <summary>Where preprocessed image caches of folder data sets live (bounded in bytes).</summary>
    public string CacheRoot => Path.Combine(Root, "cache");

    /// <summary>
    /// The only folders a run of this lab reads data sets and weights from: <see cref="DatasetsRoot"/>, FashionMNIST's
    /// folder and <see cref="DatasetRootsVariable"/> for data; <see cref="WeightsRoot"/>, <see cref="WeightRootsVariable"/>
    /// and the runs' folders for weights. Relative config paths are taken relative to <see cref="Root"/>.
    /// </summary>
    public PathRoots Roots => _rootsSet ?? _roots.Value;

    /// <summary>
    /// True for the store of one run folder (<see cref="ForRunFolder"/>): the folder is the run's, not a lab's data folder.
    /// </summary>
    public bool IsRunFolder { get; private init; }

    /// <summary>
    /// The store kept inside a run folder trained with <c>sbirlab train --out DIR</c>: <c>DIR/sbirlab.db</c> holds the
    /// run's history and <c>DIR</c> is its folder (<see cref="RunFolder"/> of any id), so the folder is self-contained.
    /// Its paths are the command-line user's own: nothing is confined, and relative paths are taken relative to the
    /// working directory, as for any command.
    /// </summary>
    public static DataFolder ForRunFolder(string folder)
    {
        var anywhere = Path.GetPathRoot(Path.GetFullPath(folder)) ?? "/";
        var roots = new PathRoots(Environment.CurrentDirectory, [anywhere], [anywhere], [anywhere]);
        return new DataFolder(folder) { IsRunFolder = true, _rootsSet = roots, Limits = HostLimits.FromEnvironment(roots) };
    }

    /// <summary>Whether <paramref name="folder"/> is a run folder with its own store (<see cref="ForRunFolder"/>): a database beside checkpoints.</summary>
    public static bool HoldsRunStore(string folder) =>
        File.Exists(Path.Combine(folder, "sbirlab.db")) && Directory.Exists(Path.Combine(folder, "checkpoints"));

    /// <summary>The roots and the limits of the environment (memory a run may take, queue length, wall time).</summary>
    public HostLimits Limits { get => _limitsSet ?? _limits.Value; init => _limitsSet = value; }

    private readonly HostLimits? _limitsSet;

    /// <summary>The folder of run <paramref name="runId"/>, relative to <see cref="ArtifactsRoot"/> (the folder itself for <see cref="IsRunFolder"/>).</summary>
    public string RelativeRunPath(long runId) =>
        IsRunFolder ? "." : Path.Combine("runs", runId.ToString(System.Globalization.CultureInfo.InvariantCulture));

    /// <summary>The files of run <paramref name="runId"/> (not created).</summary>
    public RunFolder RunFolder(long runId) => new(Path.Combine(ArtifactsRoot, RelativeRunPath(runId)));

    /// <summary>
    /// True for a regular file inside run <paramref name="runId"/>'s folder: not a symbolic link, and no link on
    /// its way leads out of the folder. Only such files are served or exported.
    /// </summary>
    public bool IsPlainRunFile(long runId, string path)
    {
        var info = new FileInfo(path);
        if (!info.Exists || info.LinkTarget is not null || info.Attributes.HasFlag(FileAttributes.ReparsePoint)) return false;
        return PathRoots.IsInside(PathRoots.RealPath(path), PathRoots.RealPath(RunFolder(runId).Root));
    }

    /// <summary>A stored path of a run file (relative to <see cref="ArtifactsRoot"/>) made absolute; absolute paths pass unchanged.</summary>
    public string Artifact(string path) => Path.IsPathRooted(path) ? path : Path.GetFullPath(Path.Combine(ArtifactsRoot, path));

    /// <summary>A run file's path as stored: relative to <see cref="ArtifactsRoot"/> when it lies inside it, else absolute.</summary>
    public string ArtifactRelative(string path)
    {
        string full = Path.GetFullPath(path);
        string relative = Path.GetRelativePath(ArtifactsRoot, full);
        return relative.StartsWith("..", StringComparison.Ordinal) || Path.IsPathRooted(relative) ? full : relative;
    }

    /// <summary>Creates the folder (and its runs folder) when missing.</summary>
    public DataFolder Create()
    {
        Directory.CreateDirectory(Root);
        if (IsRunFolder) return this;
        Directory.CreateDirectory(RunsRoot);
        Directory.CreateDirectory(DatasetsRoot);
        Directory.CreateDirectory(WeightsRoot);
        return this;
    }

    /// <summary>
    /// The data folder named by the option, else by <c>SBIRLAB_DATA</c>, else <c>./data</c>; its artifact root named by
    /// <paramref name="artifactsOption"/>, else by <c>SBIRLAB_ARTIFACTS</c>, else the data folder itself.
    /// </summary>
    public static DataFolder Resolve(string? option, string? artifactsOption = null)
    {
        string? artifacts = !string.IsNullOrWhiteSpace(artifactsOption) ? artifactsOption : Environment.GetEnvironmentVariable(ArtifactsVariable);
        string path = ResolvePath(option);
        if (HoldsRunStore(path) && string.IsNullOrWhiteSpace(artifacts)) return ForRunFolder(path); // --data DIR of a `train --out DIR` folder
        return new(path, string.IsNullOrWhiteSpace(artifacts) ? null : artifacts);
    }

    /// <summary>The path <see cref="Resolve"/> picks, made absolute against the working directory.</summary>
    public static string ResolvePath(string? option)
    {
        if (!string.IsNullOrWhiteSpace(option)) return Path.GetFullPath(option);
        string? fromEnvironment = Environment.GetEnvironmentVariable(EnvironmentVariable);
        return Path.GetFullPath(string.IsNullOrWhiteSpace(fromEnvironment) ? DefaultFolder : fromEnvironment);
    }

    public override string ToString() => Root;

    private PathRoots DefaultRoots() => new(
        Root,
        [DatasetsRoot, BuiltInDatasets.FashionMnistFolder(null), .. FromEnvironment(DatasetRootsVariable)],
        [WeightsRoot, .. FromEnvironment(WeightRootsVariable)],
        [RunsRoot]);

    private static string[] FromEnvironment(string variable) =>
        (Environment.GetEnvironmentVariable(variable) ?? "").Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
}
