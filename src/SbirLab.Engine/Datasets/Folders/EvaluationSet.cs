namespace SbirLab.Engine.Datasets.Folders;

/// <summary>
/// A retrieval benchmark in the Flickr15K style: sketch queries and a photo gallery, each a folder of class
/// folders or a list file. Every gallery image is kept (classes without queries are distractors); labels index
/// <see cref="Classes"/>, the gallery classes sorted by normal form. Queries whose class has no gallery image
/// cannot be scored (no relevant item) and are left out, their classes listed in <see cref="QueryOnlyClasses"/>.
/// </summary>
public sealed class EvaluationSet
{
    /// <summary>Matches queries to gallery classes by normalised name.</summary>
    public EvaluationSet(ImageFolderDataset queries, ImageFolderDataset gallery)
    {
        QuerySet = queries;
        GallerySet = gallery;
        var galleryByNormal = CrossDomainDataset.ByNormalName(gallery.Classes);
        var normals = galleryByNormal.Keys.OrderBy(n => n, StringComparer.Ordinal).ToList();
        Classes = normals.Select(n => galleryByNormal[n]).ToList();
        var labels = normals.Select((n, i) => (n, i)).ToDictionary(p => p.n, p => p.i, StringComparer.Ordinal);

        Gallery = gallery.Items.Select(i => new LabelledImage(i.Path, labels[ClassNames.Normalise(i.ClassName)])).ToList();
        Queries = queries.Items
            .Where(i => labels.ContainsKey(ClassNames.Normalise(i.ClassName)))
            .Select(i => new LabelledImage(i.Path, labels[ClassNames.Normalise(i.ClassName)]))
            .ToList();
        var queryNormals = CrossDomainDataset.ByNormalName(queries.Classes);
        QueryOnlyClasses = queryNormals.Where(p => !labels.ContainsKey(p.Key)).Select(p => p.Value).Order(StringComparer.Ordinal).ToList();
        GalleryOnlyClasses = galleryByNormal.Where(p => !queryNormals.ContainsKey(p.Key)).Select(p => p.Value).Order(StringComparer.Ordinal).ToList();
    }

    /// <summary>The query side as read from disk.</summary>
    public ImageFolderDataset QuerySet { get; }

    /// <summary>The gallery side as read from disk.</summary>
    public ImageFolderDataset GallerySet { get; }

    /// <summary>Gallery classes (gallery spelling); labels index this list.</summary>
    public IReadOnlyList<string> Classes { get; }

    /// <summary>Scorable queries with labels.</summary>
    public IReadOnlyList<LabelledImage> Queries { get; }

    /// <summary>All gallery images with labels.</summary>
    public IReadOnlyList<LabelledImage> Gallery { get; }

    /// <summary>Query classes absent from the gallery (their queries are left out).</summary>
    public IReadOnlyList<string> QueryOnlyClasses { get; }

    /// <summary>Gallery classes that no query asks for (kept as distractors).</summary>
    public IReadOnlyList<string> GalleryOnlyClasses { get; }

    /// <summary>Number of gallery images of a label: the T in AP = Σ prec(k)·rel(k) / T.</summary>
    public int RelevantCount(int label) => Gallery.Count(g => g.Label == label);

    /// <summary>Opens the query and gallery sides with <see cref="ImageFolderDataset.Open"/>.</summary>
    public static EvaluationSet Open(string queriesPath, string galleryPath) =>
        new(ImageFolderDataset.Open(queriesPath), ImageFolderDataset.Open(galleryPath));
}
