using SbirLab.Engine.Datasets.Folders;
using SbirLab.Engine.Tests.Imaging;

namespace SbirLab.Engine.Tests.DatasetFolders;

public class DataInspectorTests
{
    [Fact]
    public void SketchPhotoFoldersAreCountedPerClassAndCorruptFilesListed()
    {
        using var dir = new TempDir();
        TestImages.WriteColourImage(dir.File("sketches", "cat", "1.png"), 8, 8, 1);
        TestImages.WriteColourImage(dir.File("sketches", "cat", "2.png"), 8, 8, 2);
        TestImages.WriteCorrupt(dir.File("sketches", "cat", "3.png"));
        TestImages.WriteColourImage(dir.File("sketches", "owl", "1.png"), 8, 8, 3);
        TestImages.WriteColourImage(dir.File("images", "Cat", "1.jpg"), 8, 8, 4);
        TestImages.WriteColourImage(dir.File("images", "dog", "1.jpg"), 8, 8, 5);

        var report = DataInspector.Inspect(dir.Path);

        Assert.Equal("sketch and photo folders", report.Layout);
        Assert.Equal(["sketch", "photo"], report.Domains.Select(d => d.Name));
        Assert.Equal([4, 2], report.Domains.Select(d => d.Images));
        Assert.Equal(6, report.ImagesChecked);
        var cat = Assert.Single(report.Classes, c => c.Name == "cat");
        Assert.Equal([3, 1], cat.Counts);
        Assert.Equal(["dog (only in photo)", "owl (only in sketch)"], report.OneDomainOnly);
        var bad = Assert.Single(report.Unreadable);
        Assert.Equal((dir.File("sketches", "cat", "3.png"), "sketch"), (bad.Path, bad.Domain));

        var text = report.ToText();
        Assert.Contains("Unreadable files: 1 of 6 checked", text);
        Assert.Contains("owl (only in sketch)", text);
        Assert.Matches(@"cat\s+3\s+1", text);
    }

    [Fact]
    public void SingleClassFolderSetAndSkippingTheDecodeCheck()
    {
        using var dir = new TempDir();
        TestImages.WriteColourImage(dir.File("a", "1.png"), 8, 8, 1);
        TestImages.WriteCorrupt(dir.File("b", "1.jpg"));

        var report = DataInspector.Inspect(dir.Path, new InspectOptions { DecodeImages = false });

        Assert.Equal("class folders", report.Layout);
        Assert.Single(report.Domains);
        Assert.Empty(report.Unreadable);
        Assert.Equal(0, report.ImagesChecked);
        Assert.Empty(report.OneDomainOnly);
        Assert.Contains("not checked", report.ToText());
    }

    [Fact]
    public void SketchyLayoutIsRecognised()
    {
        using var dir = new TempDir();
        TestImages.WriteColourImage(dir.File("photo", "tx_000000000000", "ant", "1.jpg"), 8, 8, 1);
        TestImages.WriteColourImage(dir.File("sketch", "tx_000000000000", "ant", "1-1.png"), 8, 8, 2);
        TestImages.WriteColourImage(dir.File("sketch", "tx_000000000000", "ant", "1-2.png"), 8, 8, 3);

        var report = DataInspector.Inspect(dir.Path);

        Assert.Equal("sketchy (variant tx_000000000000)", report.Layout);
        Assert.Equal([2, 1], Assert.Single(report.Classes).Counts);
        Assert.Empty(report.Unreadable);
    }
}
