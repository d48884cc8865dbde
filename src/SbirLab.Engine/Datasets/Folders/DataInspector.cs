using System.Collections.Concurrent;
using SbirLab.Engine.Imaging;

namespace SbirLab.Engine.Datasets.Folders;

/// <summary>Options of <see cref="DataInspector.Inspect"/>.</summary>
public sealed record InspectOptions
{
    /// <summary>Try to decode every image to find unreadable ones (slower: reads every file).</summary>
    public bool DecodeImages { get; init; } = true;

    /// <summary>Decoding threads.</summary>
    public int MaxDegreeOfParallelism { get; init; } = Environment.ProcessorCount;

    /// <summary>Receives the number of images checked so far.</summary>
    public IProgress<int>? Progress { get; init; }
}

/// <summary>One domain (e.g. sketches or photos) found by the inspector.</summary>
public sealed record DomainSummary(string Name, string Source, DatasetLayout Layout, int Images, int Classes);

/// <summary>A class row: its name and its image count in each domain (aligned with <see cref="DataReport.Domains"/>).</summary>
public sealed record ClassRow(string Name, IReadOnlyList<int> Counts);

/// <summary>An image that could not be decoded, and why.</summary>
public sealed record UnreadableFile(string Domain, string Path, string Error);

/// <summary>What <see cref="DataInspector"/> found in a dataset folder or list file.</summary>
public sealed record DataReport(
    string Root,
    string Layout,
    IReadOnlyList<DomainSummary> Domains,
    IReadOnlyList<ClassRow> Classes,
    IReadOnlyList<string> OneDomainOnly,
    IReadOnlyList<UnreadableFile> Unreadable,
    int ImagesChecked)
{
    /// <summary>A plain-text report with aligned columns, ready for a terminal.</summary>
    public string ToText(int maxClassRows = int.MaxValue) => DataReportFormatter.Format(this, maxClassRows);
}

/// <summary>
/// Detects how a dataset is laid out (Sketchy tree, a pair of sketch/photo folders, class folders or a list file),
/// counts images per class and domain, lists classes present in one domain only, and decodes every image to find
/// unreadable ones, which are counted and listed, never fatal. Backs <c>sbirlab data inspect &lt;dir&gt;</c>.
/// </summary>
public static class DataInspector
{
    private static readonly string[] SketchWords = ["sketch", "quer"];
    private static readonly string[] PhotoWords = ["photo", "image", "img", "gallery"];

    /// <summary>Inspects a folder or list file.</summary>
    public static DataReport Inspect(string path, InspectOptions? options = null)
    {
        options ??= new InspectOptions();
        var (layout, domains) = Detect(path);
        var unreadable = options.DecodeImages ? FindUnreadable(domains, options) : [];
        var (rows, oneDomainOnly) = ClassTable(domains);
        var summaries = domains.Select(d => new DomainSummary(d.Name, d.Set.Source, d.Set.Layout, d.Set.Count, d.Set.Classes.Count)).ToList();
        var checkedCount = options.DecodeImages ? domains.Sum(d => d.Set.Count) : 0;
        return new DataReport(Path.GetFullPath(path), layout, summaries, rows, oneDomainOnly, unreadable, checkedCount);
    }

    /// <summary>The layout description and the named domains found at <paramref name="path"/>.</summary>
    public static (string Layout, IReadOnlyList<(string Name, ImageFolderDataset Set)> Domains) Detect(string path)
    {
        if (File.Exists(path))
        {
            return ("list file", [(Path.GetFileNameWithoutExtension(path), ImageFolderDataset.FromListFile(path))]);
        }

        if (!Directory.Exists(path))
        {
            throw new DirectoryNotFoundException($"No file or folder at '{path}'.");
        }

        if (SketchyVariant(path) is { } sketchy)
        {
            return ($"sketchy (variant {sketchy.Variant})",
            [
                ("sketch", ImageFolderDataset.FromSketchy(sketchy.Root, SketchyDomain.Sketch, sketchy.Variant)),
                ("photo", ImageFolderDataset.FromSketchy(sketchy.Root, SketchyDomain.Photo, sketchy.Variant)),
            ]);
        }

        if (DomainFolders(path) is { } pair)
        {
            return ("sketch and photo folders",
                [("sketch", ImageFolderDataset.Open(pair.Sketch)), ("photo", ImageFolderDataset.Open(pair.Photo))]);
        }

        var single = ImageFolderDataset.Open(path);
        return ("class folders", [(Path.GetFileName(single.Source), single)]);
    }

    private static (string Root, string Variant)? SketchyVariant(string path)
    {
        var root = ImageFolderDataset.FindSketchyRoot(path);
        if (root is null)
        {
            return null;
        }

        var variants = ImageFolderDataset.SketchyVariants(root, SketchyDomain.Photo)
            .Intersect(ImageFolderDataset.SketchyVariants(root, SketchyDomain.Sketch))
            .Where(v => v.StartsWith("tx_", StringComparison.Ordinal))
            .ToList();
        if (variants.Count == 0)
        {
            return null;
        }

        return (root, variants.Contains(ImageFolderDataset.DefaultSketchyVariant) ? ImageFolderDataset.DefaultSketchyVariant : variants[0]);
    }

    /// <summary>A sketch-like and a photo-like child folder (by name), e.g. <c>sketches/</c> and <c>images/</c>.</summary>
    private static (string Sketch, string Photo)? DomainFolders(string path)
    {
        var subs = ImageFiles.SubFolders(path);
        var sketch = subs.FirstOrDefault(s => NameHas(s, SketchWords));
        var photo = subs.FirstOrDefault(s => NameHas(s, PhotoWords) && !NameHas(s, SketchWords));
        return sketch is not null && photo is not null ? (sketch, photo) : null;
    }

    private static bool NameHas(string folder, string[] words) =>
        words.Any(w => Path.GetFileName(folder).Contains(w, StringComparison.OrdinalIgnoreCase));

    private static List<UnreadableFile> FindUnreadable(IReadOnlyList<(string Name, ImageFolderDataset Set)> domains, InspectOptions options)
    {
        var work = domains.SelectMany(d => d.Set.Items.Select(i => (Domain: d.Name, i.Path))).ToList();
        var failures = new ConcurrentBag<(int Index, UnreadableFile File)>();
        var done = 0;
        Parallel.For(0, work.Count, new ParallelOptions { MaxDegreeOfParallelism = Math.Max(1, options.MaxDegreeOfParallelism) }, i =>
        {
            // A small decode target still runs the whole entropy decoder, so truncation is caught cheaply.
            if (ImageDecoder.TryDecode(work[i].Path, 32, out var bitmap, out var error))
            {
                bitmap!.Dispose();
            }
            else
            {
                failures.Add((i, new UnreadableFile(work[i].Domain, work[i].Path, error!)));
            }

            options.Progress?.Report(Interlocked.Increment(ref done));
        });
        return failures.OrderBy(f => f.Index).Select(f => f.File).ToList();
    }

    private static (List<ClassRow> Rows, List<string> OneDomainOnly) ClassTable(IReadOnlyList<(string Name, ImageFolderDataset Set)> domains)
    {
        var counts = domains.Select(d => d.Set.CountsByClass()
            .GroupBy(p => ClassNames.Normalise(p.Key))
            .ToDictionary(g => g.Key, g => (Name: g.Select(p => p.Key).Order(StringComparer.Ordinal).First(), Count: g.Sum(p => p.Value)))).ToList();
        var normals = counts.SelectMany(c => c.Keys).Distinct().Order(StringComparer.Ordinal).ToList();
        var rows = new List<ClassRow>();
        var oneOnly = new List<string>();
        foreach (var normal in normals)
        {
            var perDomain = counts.Select(c => c.TryGetValue(normal, out var v) ? v.Count : 0).ToList();
            var name = counts.First(c => c.ContainsKey(normal))[normal].Name;
            rows.Add(new ClassRow(name, perDomain));
            var present = Enumerable.Range(0, domains.Count).Where(i => perDomain[i] > 0).ToList();
            if (domains.Count > 1 && present.Count == 1)
            {
                oneOnly.Add($"{name} (only in {domains[present[0]].Name})");
            }
        }

        return (rows, oneOnly);
    }
}
