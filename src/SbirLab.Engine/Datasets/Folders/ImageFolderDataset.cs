namespace SbirLab.Engine.Datasets.Folders;

/// <summary>
/// A labelled image set read from disk in one of the usual layouts: one folder per class, a
/// <c>path&lt;TAB&gt;class</c> list file, or one half of a Sketchy tree. Items are sorted (by class, then path)
/// so the same files always give the same order; class labels are indices into <see cref="Classes"/>, sorted
/// ordinally like torchvision's ImageFolder. Files are listed, not opened: unreadable images surface later
/// (inspection, cache building) where they are skipped and counted.
/// </summary>
public sealed class ImageFolderDataset
{
    /// <summary>The Sketchy variant used when none is named (no augmentation of the photo–sketch alignment).</summary>
    public const string DefaultSketchyVariant = "tx_000000000000";

    private readonly Dictionary<string, int> _classIndex;

    private ImageFolderDataset(string source, DatasetLayout layout, IEnumerable<ImageItem> items)
    {
        Source = source;
        Layout = layout;
        Items = items.OrderBy(i => i.ClassName, StringComparer.Ordinal).ThenBy(i => i.Path, StringComparer.Ordinal).ToList();
        Classes = Items.Select(i => i.ClassName).Distinct().OrderBy(c => c, StringComparer.Ordinal).ToList();
        _classIndex = Classes.Select((name, index) => (name, index)).ToDictionary(p => p.name, p => p.index, StringComparer.Ordinal);
    }

    /// <summary>The folder or list file the set was read from.</summary>
    public string Source { get; }

    /// <summary>The layout it was read as.</summary>
    public DatasetLayout Layout { get; }

    /// <summary>All images with their class names.</summary>
    public IReadOnlyList<ImageItem> Items { get; }

    /// <summary>Class names as spelled on disk, sorted ordinally; a label is an index into this list.</summary>
    public IReadOnlyList<string> Classes { get; }

    /// <summary>Number of images.</summary>
    public int Count => Items.Count;

    /// <summary>The label of a class name exactly as spelled here; −1 when absent.</summary>
    public int ClassIndex(string className) => _classIndex.GetValueOrDefault(className, -1);

    /// <summary>Items with labels that index <see cref="Classes"/>.</summary>
    public IReadOnlyList<LabelledImage> ToLabelled() => Items.Select(i => new LabelledImage(i.Path, _classIndex[i.ClassName])).ToList();

    /// <summary>Number of images per class name.</summary>
    public IReadOnlyDictionary<string, int> CountsByClass() =>
        Items.GroupBy(i => i.ClassName, StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.Count(), StringComparer.Ordinal);

    /// <summary>
    /// Opens a list file, or a folder of class folders. A folder with no images of its own and a single
    /// sub-folder (a wrapper such as TU-Berlin's <c>png/</c>) is looked through.
    /// </summary>
    public static ImageFolderDataset Open(string path)
    {
        if (File.Exists(path))
        {
            return FromListFile(path);
        }

        if (!Directory.Exists(path))
        {
            throw new DirectoryNotFoundException($"No file or folder at '{path}'.");
        }

        return FromClassFolders(LookThroughWrappers(path));
    }

    /// <summary>Every visible sub-folder of <paramref name="root"/> that holds images (at any depth) is a class.</summary>
    public static ImageFolderDataset FromClassFolders(string root)
    {
        var fullRoot = Path.GetFullPath(root);
        if (!Directory.Exists(fullRoot))
        {
            throw new DirectoryNotFoundException($"Dataset folder '{root}' does not exist.");
        }

        var items = new List<ImageItem>();
        foreach (var classFolder in ImageFiles.SubFolders(fullRoot))
        {
            var className = Path.GetFileName(classFolder);
            items.AddRange(ImageFiles.Below(classFolder).Select(p => new ImageItem(p, className)));
        }

        if (items.Count == 0)
        {
            throw new InvalidDataException($"'{root}' has no class sub-folders with images.");
        }

        return new ImageFolderDataset(fullRoot, DatasetLayout.ClassFolders, items);
    }

    /// <summary>
    /// Reads <c>path&lt;TAB&gt;class</c> lines; a line without a tab splits at its last space. Blank lines and
    /// lines starting with <c>#</c> are ignored; relative paths are resolved against the list file's folder.
    /// </summary>
    public static ImageFolderDataset FromListFile(string listFile)
    {
        var fullList = Path.GetFullPath(listFile);
        var folder = Path.GetDirectoryName(fullList)!;
        var items = new List<ImageItem>();
        var lineNumber = 0;
        foreach (var raw in File.ReadLines(fullList))
        {
            lineNumber++;
            var line = raw.Trim();
            if (line.Length == 0 || line.StartsWith('#'))
            {
                continue;
            }

            var (path, className) = SplitListLine(line)
                ?? throw new InvalidDataException($"{listFile}: line {lineNumber} is not 'path<TAB>class'; not a list file?"); // never quoted: the file may be anything
            items.Add(new ImageItem(Path.GetFullPath(Path.Combine(folder, path)), className));
        }

        if (items.Count == 0)
        {
            throw new InvalidDataException($"List file '{listFile}' has no entries.");
        }

        return new ImageFolderDataset(fullList, DatasetLayout.ListFile, items);
    }

    /// <summary>
    /// Reads one domain of a Sketchy tree: <c>&lt;root&gt;/photo/&lt;variant&gt;/&lt;class&gt;/</c> or
    /// <c>&lt;root&gt;/sketch/&lt;variant&gt;/&lt;class&gt;/</c>. <paramref name="root"/> may also be a folder
    /// above it (e.g. the unzipped <c>rendered_256x256</c>): the first folder with both halves is used.
    /// </summary>
    public static ImageFolderDataset FromSketchy(string root, SketchyDomain domain, string variant = DefaultSketchyVariant)
    {
        var sketchyRoot = FindSketchyRoot(root)
            ?? throw new DirectoryNotFoundException($"No folder with 'photo' and 'sketch' sub-folders under '{root}'.");
        var folder = Path.Combine(sketchyRoot, domain == SketchyDomain.Photo ? "photo" : "sketch", variant);
        if (!Directory.Exists(folder))
        {
            var available = string.Join(", ", SketchyVariants(sketchyRoot, domain));
            throw new DirectoryNotFoundException($"Sketchy variant '{variant}' not found in {folder}; available: {available}.");
        }

        var classes = FromClassFolders(folder);
        return new ImageFolderDataset(folder, DatasetLayout.Sketchy, classes.Items);
    }

    /// <summary>The folder (the given one or a descendant up to three levels down) holding <c>photo/</c> and <c>sketch/</c>; null if none.</summary>
    public static string? FindSketchyRoot(string folder, int depth = 3)
    {
        if (!Directory.Exists(folder))
        {
            return null;
        }

        if (Directory.Exists(Path.Combine(folder, "photo")) && Directory.Exists(Path.Combine(folder, "sketch")))
        {
            return Path.GetFullPath(folder);
        }

        return depth == 0
            ? null
            : ImageFiles.SubFolders(folder).Select(sub => FindSketchyRoot(sub, depth - 1)).FirstOrDefault(found => found is not null);
    }

    /// <summary>Variant folder names (such as <c>tx_000000000000</c>) present for a domain of a Sketchy root.</summary>
    public static IReadOnlyList<string> SketchyVariants(string sketchyRoot, SketchyDomain domain)
    {
        var folder = Path.Combine(sketchyRoot, domain == SketchyDomain.Photo ? "photo" : "sketch");
        return Directory.Exists(folder) ? ImageFiles.SubFolders(folder).Select(f => Path.GetFileName(f)).ToList() : [];
    }

    private static string LookThroughWrappers(string folder)
    {
        var current = folder;
        while (!ImageFiles.HasImagesDirectly(current) && !ImageFiles.SubFolders(current).Any(ImageFiles.HasImagesDirectly))
        {
            var subs = ImageFiles.SubFolders(current);
            if (subs.Count != 1)
            {
                break;
            }

            current = subs[0];
        }

        return current;
    }

    private static (string Path, string Class)? SplitListLine(string line)
    {
        var tab = line.LastIndexOf('\t');
        var cut = tab >= 0 ? tab : line.LastIndexOf(' ');
        if (cut <= 0 || cut == line.Length - 1)
        {
            return null;
        }

        return (line[..cut].Trim(), line[(cut + 1)..].Trim());
    }
}
