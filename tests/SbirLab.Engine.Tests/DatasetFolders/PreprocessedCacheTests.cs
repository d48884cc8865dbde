using SbirLab.Engine.Datasets.Folders;
using SbirLab.Engine.Imaging;
using SbirLab.Engine.Tests.Imaging;

namespace SbirLab.Engine.Tests.DatasetFolders;

public class PreprocessedCacheTests
{
    private static readonly PreprocessOptions Options = new() { Size = 16 };

    /// <summary>Ten readable images of assorted sizes and formats, with a corrupt file at source index 4.</summary>
    private static List<LabelledImage> MakeItems(TempDir dir)
    {
        var items = new List<LabelledImage>();
        for (var i = 0; i < 11; i++)
        {
            var path = dir.File("data", $"img{i:D2}" + (i % 2 == 0 ? ".png" : ".jpg"));
            if (i == 4)
            {
                TestImages.WriteCorrupt(path);
            }
            else
            {
                var pixels = TestImages.Noise(20 + i, 30 - i, seed: i);
                Directory.CreateDirectory(Path.GetDirectoryName(path)!);
                File.WriteAllBytes(path, ImageEncoder.Encode(pixels, 20 + i, 30 - i,
                    i % 2 == 0 ? SkiaSharp.SKEncodedImageFormat.Png : SkiaSharp.SKEncodedImageFormat.Jpeg));
            }

            items.Add(new LabelledImage(path, i % 3));
        }

        return items;
    }

    [Theory]
    [InlineData(CacheReadMode.MemoryMapped)]
    [InlineData(CacheReadMode.PositionalRead)]
    public void RecordsEqualAFreshDecodeAndPreprocessAndCorruptImagesAreSkipped(CacheReadMode mode)
    {
        using var dir = new TempDir();
        var items = MakeItems(dir);
        using var cache = PreprocessedCache.OpenOrBuild(dir.File("cache.bin"), items, Options,
            new CacheBuildOptions { MaxDegreeOfParallelism = 2, ReadMode = mode });

        Assert.False(cache.Reused);
        Assert.Equal((10, 11, 1), (cache.Count, cache.SourceCount, cache.SkippedCount));
        Assert.Equal(4, cache.Skipped[0].SourceIndex);
        Assert.False(string.IsNullOrEmpty(cache.Skipped[0].Error));

        var preprocessor = new ImagePreprocessor(Options);
        var fresh = new byte[cache.RecordLength];
        var cached = new byte[cache.RecordLength];
        for (var index = 0; index < cache.Count; index++)
        {
            var source = cache.GetSourceIndex(index);
            Assert.NotEqual(4, source);
            Assert.True(preprocessor.TryProcessFile(items[source].Path, fresh, out _));
            cache.GetImage(index, cached);
            Assert.Equal(fresh, cached);
            Assert.Equal(items[source].Label, cache.GetLabel(index));
        }
    }

    [Fact]
    public void AMatchingCacheIsReusedAndAChangedListOrSizeRebuildsIt()
    {
        using var dir = new TempDir();
        var items = MakeItems(dir);
        var path = dir.File("cache.bin");
        string firstKey;
        using (var first = PreprocessedCache.OpenOrBuild(path, items, Options))
        {
            firstKey = first.Key;
        }

        var writtenAt = File.GetLastWriteTimeUtc(path);
        using (var again = PreprocessedCache.OpenOrBuild(path, items, Options))
        {
            Assert.True(again.Reused);
            Assert.Equal(firstKey, again.Key);
            Assert.Equal(1, again.SkippedCount);
            Assert.Equal(writtenAt, File.GetLastWriteTimeUtc(path));
        }

        using (var resized = PreprocessedCache.OpenOrBuild(path, items, Options with { Size = 8 }))
        {
            Assert.False(resized.Reused);
            Assert.Equal(3 * 8 * 8, resized.RecordLength);
        }

        using (var shorter = PreprocessedCache.OpenOrBuild(path, items.Take(5).ToList(), Options with { Size = 8 }))
        {
            Assert.False(shorter.Reused);
            Assert.Equal((4, 5), (shorter.Count, shorter.SourceCount));
        }

        Assert.Empty(Directory.GetFiles(dir.Path, "*.partial"));
    }

    [Fact]
    public void ADamagedCacheFileIsRebuiltInsteadOfRead()
    {
        using var dir = new TempDir();
        var items = MakeItems(dir);
        var path = dir.File("cache.bin");
        PreprocessedCache.OpenOrBuild(path, items, Options).Dispose();
        var bytes = File.ReadAllBytes(path);
        File.WriteAllBytes(path, bytes[..(bytes.Length - 10)]); // cut into the table

        using var rebuilt = PreprocessedCache.OpenOrBuild(path, items, Options);
        Assert.False(rebuilt.Reused);
        Assert.Equal(10, rebuilt.Count);
    }

    [Fact]
    public void BatchesAreRecordsBackToBack()
    {
        using var dir = new TempDir();
        using var cache = PreprocessedCache.OpenOrBuild(dir.File("c.bin"), MakeItems(dir), Options with { Channels = 1 });
        var batch = new byte[3 * cache.RecordLength];
        cache.GetBatch([7, 0, 7], batch);
        var single = new byte[cache.RecordLength];
        cache.GetImage(7, single);
        Assert.Equal(single, batch[..cache.RecordLength]);
        Assert.Equal(single, batch[(2 * cache.RecordLength)..]);
        Assert.Throws<ArgumentOutOfRangeException>(() => cache.GetImage(cache.Count, single));
    }
}
