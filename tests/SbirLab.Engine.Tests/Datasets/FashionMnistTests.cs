using System.Buffers.Binary;
using SbirLab.Engine.Datasets;

namespace SbirLab.Engine.Tests.Datasets;

public class FashionMnistTests
{
    [Fact]
    public void ReadsDebiansTestSplit()
    {
        var test = FashionMnist.Load("test");
        Assert.Equal(10_000, test.Count);
        Assert.Equal(28, test.Height);
        Assert.All(test.Labels.GroupBy(l => l), g => Assert.Equal(1000, g.Count()));
    }

    [Fact]
    public void ReadsUncompressedIdxFromAnotherFolder()
    {
        string dir = RepoPaths.TempFolder("idx");
        // Two 2×3 images and their labels, written by hand in IDX format (big-endian header).
        byte[] pixels = [0, 1, 2, 3, 4, 5, 250, 251, 252, 253, 254, 255];
        WriteIdx(Path.Combine(dir, "t10k-images-idx3-ubyte"), 0x803, [2, 2, 3], pixels);
        WriteIdx(Path.Combine(dir, "t10k-labels-idx1-ubyte"), 0x801, [2], [7, 3]);
        var split = FashionMnist.Load("test", dir);
        Assert.Equal(2, split.Count);
        Assert.Equal([7L, 3L], split.Labels);
        Assert.Equal(new byte[] { 250, 251, 252, 253, 254, 255 }, split.Image(1).ToArray());
    }

    [Fact]
    public void MissingFilesSayHowToGetThem()
    {
        var e = Assert.Throws<FileNotFoundException>(() => FashionMnist.Load("train", RepoPaths.TempFolder("empty")));
        Assert.Contains("apt-get install dataset-fashion-mnist", e.Message);
    }

    [Fact]
    public void Seed004SubsetHasPerClassImagesShuffledBySeed()
    {
        var test = FashionMnist.Load("test");
        var subset = Seed004Protocol.Subset(test.Labels, 100, seed: 1);
        Assert.Equal(1000, subset.Length);
        Assert.All(subset.GroupBy(i => test.Labels[i]), g => Assert.Equal(100, g.Count()));
        Assert.Equal(subset, Seed004Protocol.Subset(test.Labels, 100, seed: 1));
        Assert.NotEqual(subset, Seed004Protocol.Subset(test.Labels, 100, seed: 2));
        Assert.InRange(subset.Take(100).Select(i => test.Labels[i]).Distinct().Count(), 8, 10); // the 100 queries mix the classes
    }

    private static void WriteIdx(string path, int magic, int[] dims, byte[] data)
    {
        using var stream = File.Create(path);
        Span<byte> word = stackalloc byte[4];
        BinaryPrimitives.WriteInt32BigEndian(word, magic);
        stream.Write(word);
        foreach (var d in dims)
        {
            BinaryPrimitives.WriteInt32BigEndian(word, d);
            stream.Write(word);
        }
        stream.Write(data);
    }
}
