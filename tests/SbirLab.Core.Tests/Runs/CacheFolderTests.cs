using SbirLab.Core.Runs;


namespace SbirLab.Core.Tests.Runs;

public class CacheFolderTests
{
    [Fact]
    public void MakingRoomDeletesTheLeastRecentlyUsedCachesUntilTheNewOneFits()
    {
        using var dir = new TempDir();
        var caches = new CacheFolder(dir.Path, MaxBytes: 3000);
        string[] names = ["old", "middle", "new"];
        for (int i = 0; i < names.Length; i++)
        {
            File.WriteAllBytes(dir.File(names[i] + ".cache"), new byte[1000]);
            File.SetLastWriteTimeUtc(dir.File(names[i] + ".cache"), DateTime.UtcNow.AddHours(i - 3));
        }
        File.WriteAllBytes(dir.File("notes.txt"), new byte[5000]); // not a cache: never touched

        caches.MakeRoom(dir.File("next.cache"), 1500);

        Assert.False(File.Exists(dir.File("old.cache")));
        Assert.False(File.Exists(dir.File("middle.cache")));
        Assert.True(File.Exists(dir.File("new.cache")));
        Assert.True(File.Exists(dir.File("notes.txt")));
    }

    [Fact]
    public void ACacheLargerThanTheWholeBudgetIsRefusedWithBothFigures()
    {
        using var dir = new TempDir();
        var caches = new CacheFolder(dir.Path, MaxBytes: 1L << 30);
        long bytes = CacheFolder.EstimateBytes(100_000, 3, 224);
        var error = Assert.Throws<InvalidDataException>(() => caches.MakeRoom(dir.File("big.cache"), bytes));
        Assert.Contains("14.02 GiB", error.Message);
        Assert.Contains("budget is 1 GiB", error.Message);
    }
}
