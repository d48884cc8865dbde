namespace SbirLab.Engine.Datasets.Folders;

/// <summary>One image file of a dataset and the name of its class as the dataset spells it.</summary>
public sealed record ImageItem(string Path, string ClassName);

/// <summary>One image file and its integer class label (an index into some class list).</summary>
public sealed record LabelledImage(string Path, int Label);

/// <summary>How a dataset's files are organised on disk.</summary>
public enum DatasetLayout
{
    /// <summary>One sub-folder per class holding that class's images (TU-Berlin <c>png/&lt;class&gt;/</c>, Flickr25K).</summary>
    ClassFolders,

    /// <summary>A text file of <c>path&lt;TAB&gt;class</c> lines, paths relative to the list file's folder.</summary>
    ListFile,

    /// <summary>Sketchy: <c>photo/&lt;variant&gt;/&lt;class&gt;/</c> and <c>sketch/&lt;variant&gt;/&lt;class&gt;/</c>.</summary>
    Sketchy,
}

/// <summary>Which half of a Sketchy tree to read.</summary>
public enum SketchyDomain
{
    /// <summary>The <c>sketch/</c> tree.</summary>
    Sketch,

    /// <summary>The <c>photo/</c> tree.</summary>
    Photo,
}

/// <summary>File extensions treated as images (those Skia decodes).</summary>
public static class ImageFiles
{
    private static readonly HashSet<string> Extensions =
        new([".png", ".jpg", ".jpeg", ".bmp", ".gif", ".webp"], StringComparer.OrdinalIgnoreCase);

    /// <summary>True for a path whose extension is an image extension.</summary>
    public static bool IsImage(string path) => Extensions.Contains(Path.GetExtension(path));

    /// <summary>Image files below <paramref name="folder"/> (recursively), sorted ordinally for a stable order; hidden entries skipped.</summary>
    public static List<string> Below(string folder) =>
        Directory.EnumerateFiles(folder, "*", new EnumerationOptions { RecurseSubdirectories = true, AttributesToSkip = FileAttributes.Hidden })
            .Where(IsImage)
            .Where(p => !IsHiddenName(Path.GetRelativePath(folder, p)))
            .OrderBy(p => p, StringComparer.Ordinal)
            .ToList();

    /// <summary>True when the folder holds at least one image file directly (not in sub-folders).</summary>
    public static bool HasImagesDirectly(string folder) =>
        Directory.EnumerateFiles(folder).Any(p => IsImage(p) && !Path.GetFileName(p).StartsWith('.'));

    /// <summary>Visible sub-folders, sorted ordinally.</summary>
    public static List<string> SubFolders(string folder) =>
        Directory.EnumerateDirectories(folder)
            .Where(d => !Path.GetFileName(d).StartsWith('.'))
            .OrderBy(d => d, StringComparer.Ordinal)
            .ToList();

    private static bool IsHiddenName(string relative) =>
        relative.Split(Path.DirectorySeparatorChar, Path.AltDirectorySeparatorChar).Any(part => part.StartsWith('.'));
}
