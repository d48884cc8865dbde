using SbirLab.Engine.Datasets.Folders;
using SbirLab.Engine.Tests.Imaging;

namespace SbirLab.Engine.Tests.DatasetFolders;

public class DatasetLayoutTests
{
    [Theory]
    [InlineData("Alarm_Clock", "alarm clock")]
    [InlineData("alarm-clock", "ALARM CLOCK")]
    [InlineData("teddy-bear", "Teddy_Bear")]
    [InlineData("car (sedan)", "Car_(Sedan)")]
    public void ClassNamesMatchIgnoringCaseSpacesUnderscoresAndHyphens(string a, string b)
    {
        Assert.True(ClassNames.Same(a, b));
        Assert.Equal(ClassNames.Normalise(a), ClassNames.Normalise(b));
    }

    [Fact]
    public void DifferentWordsStayDifferent()
    {
        Assert.False(ClassNames.Same("alarm clock", "alarm clocks"));
        Assert.Equal("carsedan", ClassNames.Normalise("Car_Sedan"));
    }

    [Fact]
    public void ClassFoldersAreFoundThroughAWrapperFolderWithSortedClassesAndItems()
    {
        using var dir = new TempDir();
        // TU-Berlin style: <root>/png/<class>/*.png plus a stray text file.
        TestImages.WriteColourImage(dir.File("png", "zebra", "2.png"), 8, 8, 1);
        TestImages.WriteColourImage(dir.File("png", "zebra", "1.png"), 8, 8, 2);
        TestImages.WriteColourImage(dir.File("png", "airplane", "a.png"), 8, 8, 3);
        TestImages.WriteColourImage(dir.File("png", "airplane", "nested", "b.png"), 8, 8, 4);
        File.WriteAllText(dir.File("png", "filelist.txt"), "not an image");
        File.WriteAllText(dir.File("png", "zebra", "notes.txt"), "not an image");

        var set = ImageFolderDataset.Open(dir.Path);

        Assert.Equal(DatasetLayout.ClassFolders, set.Layout);
        Assert.Equal(["airplane", "zebra"], set.Classes);
        Assert.Equal(4, set.Count);
        Assert.Equal([dir.File("png", "airplane", "a.png"), dir.File("png", "airplane", "nested", "b.png"),
            dir.File("png", "zebra", "1.png"), dir.File("png", "zebra", "2.png")], set.Items.Select(i => i.Path));
        Assert.Equal([0, 0, 1, 1], set.ToLabelled().Select(i => i.Label));
    }

    [Fact]
    public void ListFileResolvesRelativePathsAndSkipsCommentsAndBlankLines()
    {
        using var dir = new TempDir();
        var listFile = dir.File("lists", "train.txt");
        Directory.CreateDirectory(dir.File("lists"));
        File.WriteAllText(listFile, "# path<TAB>class\n../img/a.jpg\tcat\n\n../img/b.jpg\tdog\n/abs/c.jpg\tcat\nimg d.jpg 7\n");

        var set = ImageFolderDataset.FromListFile(listFile);

        Assert.Equal(DatasetLayout.ListFile, set.Layout);
        Assert.Equal(["7", "cat", "dog"], set.Classes);
        Assert.Contains(new ImageItem(dir.File("img", "a.jpg"), "cat"), set.Items);
        Assert.Contains(new ImageItem("/abs/c.jpg", "cat"), set.Items);
        Assert.Contains(new ImageItem(dir.File("lists", "img d.jpg"), "7"), set.Items);
        Assert.Equal(4, set.Count);
    }

    [Fact]
    public void AMalformedListLineNamesTheLine()
    {
        using var dir = new TempDir();
        File.WriteAllText(dir.File("bad.txt"), "a.png\tcat\nnoclass\n");
        var error = Assert.Throws<InvalidDataException>(() => ImageFolderDataset.FromListFile(dir.File("bad.txt")));
        Assert.Contains("bad.txt: line 2", error.Message);
        Assert.DoesNotContain("noclass", error.Message);
    }

    [Fact]
    public void SketchyTreeIsFoundBelowTheGivenFolderAndTheVariantIsChosen()
    {
        using var dir = new TempDir();
        var root = dir.File("rendered_256x256", "256x256");
        TestImages.WriteColourImage(Path.Combine(root, "photo", "tx_000000000000", "alarm_clock", "n1.jpg"), 8, 8, 1);
        TestImages.WriteColourImage(Path.Combine(root, "photo", "tx_000100000000", "alarm_clock", "n1.jpg"), 8, 8, 1);
        TestImages.WriteColourImage(Path.Combine(root, "sketch", "tx_000000000000", "alarm_clock", "n1-1.png"), 8, 8, 2);
        TestImages.WriteColourImage(Path.Combine(root, "sketch", "tx_000000000000", "alarm_clock", "n1-2.png"), 8, 8, 3);

        var sketches = ImageFolderDataset.FromSketchy(dir.Path, SketchyDomain.Sketch);
        var photos = ImageFolderDataset.FromSketchy(dir.Path, SketchyDomain.Photo, "tx_000100000000");

        Assert.Equal(DatasetLayout.Sketchy, sketches.Layout);
        Assert.Equal(2, sketches.Count);
        Assert.Equal(Path.Combine(root, "photo", "tx_000100000000", "alarm_clock", "n1.jpg"), Assert.Single(photos.Items).Path);
        var missing = Assert.Throws<DirectoryNotFoundException>(() => ImageFolderDataset.FromSketchy(dir.Path, SketchyDomain.Sketch, "tx_999"));
        Assert.Contains("tx_000000000000", missing.Message);
    }

    [Fact]
    public void CrossDomainSharesLabelsByNormalisedNameAndListsUnmatchedClasses()
    {
        using var dir = new TempDir();
        TestImages.WriteColourImage(dir.File("sketch", "Alarm_Clock", "1.png"), 8, 8, 1);
        TestImages.WriteColourImage(dir.File("sketch", "Alarm_Clock", "2.png"), 8, 8, 2);
        TestImages.WriteColourImage(dir.File("sketch", "bee", "1.png"), 8, 8, 3);
        TestImages.WriteColourImage(dir.File("sketch", "unicorn", "1.png"), 8, 8, 4);
        TestImages.WriteColourImage(dir.File("photo", "alarm clock", "1.jpg"), 8, 8, 5);
        TestImages.WriteColourImage(dir.File("photo", "Bee", "1.jpg"), 8, 8, 6);
        TestImages.WriteColourImage(dir.File("photo", "zebra", "1.jpg"), 8, 8, 7);

        var set = CrossDomainDataset.Open(dir.File("sketch"), dir.File("photo"));

        Assert.Equal(["Alarm_Clock", "bee"], set.Classes);
        Assert.Equal(["unicorn"], set.SketchOnlyClasses);
        Assert.Equal(["zebra"], set.PhotoOnlyClasses);
        Assert.Equal([0, 0, 1], set.SketchItems.Select(i => i.Label));
        Assert.Contains(new LabelledImage(dir.File("photo", "alarm clock", "1.jpg"), 0), set.PhotoItems);
        Assert.Contains(new LabelledImage(dir.File("photo", "Bee", "1.jpg"), 1), set.PhotoItems);
        Assert.Equal(2, set.PhotoItems.Count);
        Assert.Equal(0, set.ClassIndex("ALARM-CLOCK"));
        Assert.Equal(-1, set.ClassIndex("zebra"));
    }

    [Fact]
    public void EvaluationSetKeepsTheWholeGalleryAndOnlyScorableQueries()
    {
        using var dir = new TempDir();
        TestImages.WriteColourImage(dir.File("queries", "1", "q1.png"), 8, 8, 1);
        TestImages.WriteColourImage(dir.File("queries", "9", "q9.png"), 8, 8, 2);
        TestImages.WriteColourImage(dir.File("gallery", "1", "a.jpg"), 8, 8, 3);
        TestImages.WriteColourImage(dir.File("gallery", "1", "b.jpg"), 8, 8, 4);
        TestImages.WriteColourImage(dir.File("gallery", "2", "c.jpg"), 8, 8, 5);
        File.WriteAllText(dir.File("gallery.txt"), "gallery/1/a.jpg\t1\ngallery/1/b.jpg\t1\ngallery/2/c.jpg\t2\n");

        foreach (var gallery in new[] { dir.File("gallery"), dir.File("gallery.txt") })
        {
            var set = EvaluationSet.Open(dir.File("queries"), gallery);
            Assert.Equal(["1", "2"], set.Classes);
            Assert.Equal(3, set.Gallery.Count);
            Assert.Equal(new LabelledImage(dir.File("queries", "1", "q1.png"), 0), Assert.Single(set.Queries));
            Assert.Equal(["9"], set.QueryOnlyClasses);
            Assert.Equal(["2"], set.GalleryOnlyClasses);
            Assert.Equal(2, set.RelevantCount(0));
        }
    }
}
