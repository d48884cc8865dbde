using System.Globalization;

namespace SbirLab.Core.Runs;

/// <summary>
/// Where the preprocessed caches of folder data sets live and how many bytes they may take together. The lab
/// sets <see cref="Current"/> to its data folder's <c>cache/</c> when it opens its store; before a new cache is
/// built the least recently used ones are deleted until it fits, and a cache larger than the whole budget is
/// refused with both figures.
/// </summary>
public sealed record CacheFolder(string Root, long MaxBytes)
{
    /// <summary>The budget when nothing else says: 20 GiB.</summary>
    public const long DefaultMaxBytes = 20L << 30;

    /// <summary>Overrides the budget, in GiB (fractions allowed).</summary>
    public const string BudgetVariable = "SBIRLAB_CACHE_GB";

    public const string Extension = ".cache";

    /// <summary>The caches of this process: set by the host; by default <c>$SBIRLAB_CACHE</c>, else <c>cache/</c> of <c>$SBIRLAB_DATA</c> or <c>./data</c>.</summary>
    public static CacheFolder Current { get; set; } = new(
        Path.GetFullPath(Environment.GetEnvironmentVariable("SBIRLAB_CACHE")
            ?? Path.Combine(Environment.GetEnvironmentVariable("SBIRLAB_DATA") ?? "data", "cache")),
        BudgetFromEnvironment());

    /// <summary>The budget named by <see cref="BudgetVariable"/>, else <see cref="DefaultMaxBytes"/>.</summary>
    public static long BudgetFromEnvironment() =>
        double.TryParse(Environment.GetEnvironmentVariable(BudgetVariable), NumberStyles.Float, CultureInfo.InvariantCulture, out var gib) && gib > 0
            ? (long)(gib * (1L << 30))
            : DefaultMaxBytes;

    /// <summary>Bytes a cache of <paramref name="images"/> images of <paramref name="channels"/>×<paramref name="size"/>² bytes takes (records and their table).</summary>
    public static long EstimateBytes(long images, int channels, int size) => images * ((long)channels * size * size + 16) + 4096;

    /// <summary>
    /// Makes room for a new cache of about <paramref name="bytes"/> bytes: deletes other caches, least recently
    /// used first, until all fit in <see cref="MaxBytes"/>. Throws when the one cache alone is larger.
    /// </summary>
    public void MakeRoom(string keep, long bytes)
    {
        if (bytes > MaxBytes)
            throw new InvalidDataException($"the preprocessed images need about {Gib(bytes)} but the cache budget is {Gib(MaxBytes)} ({BudgetVariable}); use fewer or smaller images (model.imageSize)");
        Directory.CreateDirectory(Root);
        var others = new DirectoryInfo(Root).EnumerateFiles("*" + Extension)
            .Where(f => f.FullName != Path.GetFullPath(keep) && f.LinkTarget is null)
            .OrderBy(f => f.LastWriteTimeUtc)
            .ToList();
        long used = others.Sum(f => f.Length);
        foreach (var file in others)
        {
            if (used + bytes <= MaxBytes) break;
            used -= file.Length;
            try { file.Delete(); }
            catch (IOException) { /* in use on a platform that locks open files: left for the next time */ }
        }
    }

    /// <summary>Marks a reused cache as just used, so eviction takes older ones first.</summary>
    public static void Touch(string path)
    {
        try { File.SetLastWriteTimeUtc(path, DateTime.UtcNow); }
        catch (IOException) { /* read-only cache folder: eviction order only */ }
        catch (UnauthorizedAccessException) { }
    }

    private static string Gib(long bytes) => (bytes / (double)(1L << 30)).ToString("0.##", CultureInfo.InvariantCulture) + " GiB";
}
