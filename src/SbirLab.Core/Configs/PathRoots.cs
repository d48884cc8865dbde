namespace SbirLab.Core.Configs;

/// <summary>What a config path names, and so which roots it must lie in.</summary>
public enum PathKind
{
    /// <summary>A data set folder or list file (<c>data.*</c>).</summary>
    Dataset,

    /// <summary>A weights file or a run's checkpoint (<c>model.pretrained*</c>, <c>model.initFrom</c>).</summary>
    Weights,
}

/// <summary>
/// The folders a run of the lab may read from: data sets from <see cref="DatasetRoots"/>, weights from
/// <see cref="WeightRoots"/>, and earlier runs' checkpoints from <see cref="RunRoots"/>. A config path is made
/// absolute against <see cref="BaseFolder"/> (the data folder, so a template's <c>datasets/Sketchy</c> means
/// <c>&lt;data&gt;/datasets/Sketchy</c>), every symbolic link on it is followed, and the real path must lie in one
/// of the roots of its kind. The check comes before any look at the file system beyond the roots, so a refusal
/// says nothing about whether a path outside them exists.
/// </summary>
public sealed class PathRoots
{
    private const int MaxLinks = 40; // as the kernel's ELOOP limit

    public PathRoots(string baseFolder, IEnumerable<string> datasetRoots, IEnumerable<string> weightRoots, IEnumerable<string> runRoots)
    {
        BaseFolder = Path.GetFullPath(baseFolder);
        DatasetRoots = RealRoots(datasetRoots);
        WeightRoots = RealRoots(weightRoots);
        RunRoots = RealRoots(runRoots);
    }

    /// <summary>Relative config paths are taken relative to this folder.</summary>
    public string BaseFolder { get; }

    public IReadOnlyList<string> DatasetRoots { get; }
    public IReadOnlyList<string> WeightRoots { get; }
    public IReadOnlyList<string> RunRoots { get; }

    /// <summary>The roots a path of <paramref name="kind"/> may lie in (weights also come from runs' checkpoints).</summary>
    public IReadOnlyList<string> RootsFor(PathKind kind) =>
        kind == PathKind.Dataset ? DatasetRoots : [.. WeightRoots, .. RunRoots];

    /// <summary>The real path (absolute, links followed) when it lies inside the roots of <paramref name="kind"/>; else null.</summary>
    public string? Confine(string path, PathKind kind)
    {
        string real = RealPath(Path.Combine(BaseFolder, path));
        return RootsFor(kind).Any(root => IsInside(real, root)) ? real : null;
    }

    /// <summary>The words a refusal uses: which roots a path of this kind must lie in.</summary>
    public string Describe(PathKind kind) =>
        $"a path inside the lab's {(kind == PathKind.Dataset ? "data set" : "weight and run")} roots ({string.Join(", ", RootsFor(kind))})";

    /// <summary>
    /// The config with every path replaced by its checked real path, so the engine opens exactly what was
    /// checked; throws <see cref="ConfigException"/> naming each path outside the roots.
    /// </summary>
    public RunConfig Apply(RunConfig config)
    {
        var errors = new List<ConfigError>();
        string? Fix(string field, string? path, PathKind kind)
        {
            if (path is null) return null;
            var real = Confine(path, kind);
            if (real is null) errors.Add(new ConfigError(field, $"\"{path}\"", Describe(kind)));
            return real ?? path;
        }

        var model = config.Model with
        {
            PretrainedSketch = Fix("model.pretrainedSketch", config.Model.PretrainedSketch, PathKind.Weights),
            PretrainedPhoto = Fix("model.pretrainedPhoto", config.Model.PretrainedPhoto, PathKind.Weights),
            InitFrom = Fix("model.initFrom", config.Model.InitFrom, PathKind.Weights),
        };
        var data = config.Data with
        {
            Root = Fix("data.root", config.Data.Root, PathKind.Dataset),
            TrainSketches = Fix("data.trainSketches", config.Data.TrainSketches, PathKind.Dataset),
            TrainPhotos = Fix("data.trainPhotos", config.Data.TrainPhotos, PathKind.Dataset),
            EvalQueries = Fix("data.evalQueries", config.Data.EvalQueries, PathKind.Dataset),
            EvalGallery = Fix("data.evalGallery", config.Data.EvalGallery, PathKind.Dataset),
        };
        return errors.Count == 0 ? config with { Model = model, Data = data } : throw new ConfigException(errors);
    }

    /// <summary>True when <paramref name="path"/> is <paramref name="root"/> or below it (both real, absolute).</summary>
    public static bool IsInside(string path, string root)
    {
        string withSeparator = Path.EndsInDirectorySeparator(root) ? root : root + Path.DirectorySeparatorChar;
        return path == root || path.StartsWith(withSeparator, StringComparison.Ordinal);
    }

    /// <summary>
    /// The absolute path with every symbolic link along it followed (what <c>realpath</c> gives), also for
    /// paths whose last parts do not exist yet: those parts are appended as they are.
    /// </summary>
    public static string RealPath(string path) => RealPath(Path.GetFullPath(path), 0);

    private static string RealPath(string full, int depth)
    {
        if (depth > MaxLinks) throw new IOException($"too many symbolic links under {full}");
        string root = Path.GetPathRoot(full) ?? "/";
        var parts = full[root.Length..].Split(Path.DirectorySeparatorChar, StringSplitOptions.RemoveEmptyEntries);
        string current = root;
        for (int i = 0; i < parts.Length; i++)
        {
            string next = Path.Combine(current, parts[i]);
            var info = new FileInfo(next);
            if (info.LinkTarget is { } target)
            {
                // A link's target is taken relative to the (already real) folder holding the link.
                string targetPath = Path.GetFullPath(Path.Combine(current, target));
                next = RealPath(targetPath, depth + 1);
            }
            else if (!info.Exists && !Directory.Exists(next))
            {
                return Path.Combine([next, .. parts[(i + 1)..]]);
            }
            current = next;
        }
        return current;
    }

    private static IReadOnlyList<string> RealRoots(IEnumerable<string> roots) =>
        roots.Where(r => !string.IsNullOrWhiteSpace(r)).Select(r => RealPath(r)).Distinct(StringComparer.Ordinal).ToList();
}
