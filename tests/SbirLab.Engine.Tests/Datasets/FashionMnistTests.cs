using System.Buffers.Binary;
using SbirLab.Engine.Datasets;
using SbirLab.Engine.Models;

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
    public void ATruncatedOrForeignIdxFileIsRefusedNamingTheFile()
    {
        string dir = RepoPaths.TempFolder("idx-bad");
        string images = Path.Combine(dir, "t10k-images-idx3-ubyte");
        WriteIdx(images, 0x803, [2, 2, 3], [0, 1, 2, 3, 4, 5, 6]); // 12 pixels promised, 7 written
        WriteIdx(Path.Combine(dir, "t10k-labels-idx1-ubyte"), 0x801, [2], [7, 3]);
        var truncated = Assert.Throws<InvalidDataException>(() => FashionMnist.Load("test", dir));
        Assert.Equal($"{images}: truncated (7 of its 12 data bytes)", truncated.Message);

        File.WriteAllBytes(images, "GIF89a, not pixels"u8.ToArray());
        var foreign = Assert.Throws<InvalidDataException>(() => FashionMnist.Load("test", dir));
        Assert.Equal($"{images}: not an IDX file (magic number 0x00000803 expected)", foreign.Message);
    }

    [Fact]
    public void ABatchIsBuiltAsBytesAndNormalisedByHand()
    {
        byte[] pixels = [0, 51, 102, 255, 10, 20, 30, 40, 200, 210, 220, 230]; // three 2×2 images
        var set = new GreyImageSet(pixels, 2, [0, 1, 2], [Domain.Photo, Domain.Photo, Domain.Photo], [0, 1, 2], mean: 0.2f, std: 0.5f);
        var bytes = set.BatchPixels([2, 0]);
        Assert.Equal(new byte[] { 200, 210, 220, 230, 0, 51, 102, 255 }, bytes);
        using var batch = set.ToTensor(bytes);
        Assert.Equal(new long[] { 2, 1, 2, 2 }, batch.shape);
        // (b / 255 - 0.2) / 0.5: 0 → -0.4, 51 → 0, 102 → 0.4, 255 → 1.6
        var values = batch.data<float>().ToArray();
        Assert.Equal([-0.4f, 0f, 0.4f, 1.6f], values[4..], new FloatTolerance(1e-6f));
        Assert.Equal((200 / 255f - 0.2f) / 0.5f, values[0]);
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

    private sealed class FloatTolerance(float tolerance) : IEqualityComparer<float>
    {
        public bool Equals(float x, float y) => Math.Abs(x - y) <= tolerance;

        public int GetHashCode(float obj) => 0;
    }
}
