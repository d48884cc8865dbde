namespace SbirLab.Engine.Datasets.Folders;

/// <summary>
/// A sketch set and a photo set whose classes are matched by normalised name (<see cref="ClassNames.Normalise"/>),
/// with one shared label space: label i means <see cref="Classes"/>[i] in both domains. Only classes present in
/// both domains are kept (sorted by normal form); the others are listed so a user sees what was dropped.
/// </summary>
public sealed class CrossDomainDataset
{
    private readonly Dictionary<string, int> _labelByNormalName;

    /// <summary>Matches the classes of <paramref name="sketches"/> and <paramref name="photos"/>.</summary>
    public CrossDomainDataset(ImageFolderDataset sketches, ImageFolderDataset photos)
    {
        Sketches = sketches;
        Photos = photos;
        var sketchByNormal = ByNormalName(sketches.Classes);
        var photoByNormal = ByNormalName(photos.Classes);
        var shared = sketchByNormal.Keys.Where(photoByNormal.ContainsKey).OrderBy(n => n, StringComparer.Ordinal).ToList();

        Classes = shared.Select(n => sketchByNormal[n]).ToList();
        _labelByNormalName = shared.Select((n, i) => (n, i)).ToDictionary(p => p.n, p => p.i, StringComparer.Ordinal);
        SketchOnlyClasses = OnlyIn(sketchByNormal, photoByNormal);
        PhotoOnlyClasses = OnlyIn(photoByNormal, sketchByNormal);
        SketchItems = Label(sketches);
        PhotoItems = Label(photos);
    }

    /// <summary>The sketch domain as read from disk.</summary>
    public ImageFolderDataset Sketches { get; }

    /// <summary>The photo domain as read from disk.</summary>
    public ImageFolderDataset Photos { get; }

    /// <summary>Shared classes (sketch spelling); the index is the label in both domains.</summary>
    public IReadOnlyList<string> Classes { get; }

    /// <summary>Sketch classes with no photo class of the same normal form (dropped).</summary>
    public IReadOnlyList<string> SketchOnlyClasses { get; }

    /// <summary>Photo classes with no sketch class of the same normal form (dropped).</summary>
    public IReadOnlyList<string> PhotoOnlyClasses { get; }

    /// <summary>Sketches of shared classes with shared labels.</summary>
    public IReadOnlyList<LabelledImage> SketchItems { get; }

    /// <summary>Photos of shared classes with shared labels.</summary>
    public IReadOnlyList<LabelledImage> PhotoItems { get; }

    /// <summary>The shared label of a class name in any spelling; −1 when the class is not shared.</summary>
    public int ClassIndex(string className) => _labelByNormalName.GetValueOrDefault(ClassNames.Normalise(className), -1);

    /// <summary>Opens each domain with <see cref="ImageFolderDataset.Open"/> (folder of class folders or list file).</summary>
    public static CrossDomainDataset Open(string sketchPath, string photoPath) =>
        new(ImageFolderDataset.Open(sketchPath), ImageFolderDataset.Open(photoPath));

    /// <summary>Opens both halves of a Sketchy tree with the same variant.</summary>
    public static CrossDomainDataset OpenSketchy(string root, string variant = ImageFolderDataset.DefaultSketchyVariant) =>
        new(ImageFolderDataset.FromSketchy(root, SketchyDomain.Sketch, variant), ImageFolderDataset.FromSketchy(root, SketchyDomain.Photo, variant));

    private List<LabelledImage> Label(ImageFolderDataset set) =>
        set.Items
            .Select(i => (i.Path, Label: _labelByNormalName.GetValueOrDefault(ClassNames.Normalise(i.ClassName), -1)))
            .Where(i => i.Label >= 0)
            .Select(i => new LabelledImage(i.Path, i.Label))
            .ToList();

    /// <summary>Normal form → first spelling (ordinal order); two spellings of one normal form in a domain merge.</summary>
    internal static Dictionary<string, string> ByNormalName(IEnumerable<string> classes)
    {
        var map = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var name in classes.OrderBy(c => c, StringComparer.Ordinal))
        {
            map.TryAdd(ClassNames.Normalise(name), name);
        }

        return map;
    }

    private static List<string> OnlyIn(Dictionary<string, string> mine, Dictionary<string, string> theirs) =>
        mine.Where(p => !theirs.ContainsKey(p.Key)).Select(p => p.Value).OrderBy(n => n, StringComparer.Ordinal).ToList();
}
