using SbirLab.Engine.Datasets.Folders;
using SbirLab.Engine.Tests.Imaging;
using SbirLab.Engine.Weights;

namespace SbirLab.Engine.Tests.Weights;

/// <summary>A file that is not what a field expects is refused without quoting any of its content.</summary>
public sealed class ForeignFileTests : IDisposable
{
    // What /etc/passwd looks like; the readers once turned its bytes into an entry name, a header length or a quoted line.
    private const string Passwd =
        "root:x:0:0:root:/root:/bin/bash\ndaemon:x:1:1:daemon:/usr/sbin:/usr/sbin/nologin\nbin:x:2:2:bin:/bin:/usr/sbin/nologin\n";

    private readonly TempDir _dir = new();

    public void Dispose() => _dir.Dispose();

    [Theory]
    [InlineData("passwd")]
    [InlineData("passwd.safetensors")]
    [InlineData("passwd.pt")]
    public void AWeightsFieldPointedAtATextFileSaysNotAWeightFileAndQuotesNothing(string name)
    {
        string path = _dir.File(name);
        File.WriteAllText(path, Passwd);
        var error = Assert.ThrowsAny<Exception>(() => WeightFiles.Read(path));
        Assert.Contains("not a", error.Message);
        AssertQuotesNothing(error.Message, path);
    }

    [Fact]
    public void ATextFileWhoseFirstBytesParseAsAnEntryIsStillRefusedWithoutItsName()
    {
        // One entry whose 4-byte "name" is text, then nonsense: the name must not appear.
        string path = _dir.File("tricky.dat");
        File.WriteAllBytes(path, [1, 4, (byte)'r', (byte)'o', (byte)'o', (byte)'t', 6, 90, 1, 2, 3]);
        var error = Assert.Throws<InvalidDataException>(() => TorchSharpStateFile.Load(path));
        Assert.DoesNotContain("root", error.Message.Replace(path, "", StringComparison.Ordinal));
    }

    [Fact]
    public void ATextFileAsAListFileIsRefusedWithoutQuotingALine()
    {
        string path = _dir.File("passwd");
        File.WriteAllText(path, Passwd);
        var error = Assert.Throws<InvalidDataException>(() => ImageFolderDataset.FromListFile(path));
        Assert.Contains("line 1", error.Message);
        AssertQuotesNothing(error.Message, path);
    }

    private static void AssertQuotesNothing(string message, string path)
    {
        string withoutPath = message.Replace(path, "", StringComparison.Ordinal);
        foreach (var fragment in new[] { "root", "x:0", "bash", "daemon", "nologin" })
            Assert.DoesNotContain(fragment, withoutPath);
        // Nor the first 8 bytes read as a number.
        ulong asLength = BitConverter.ToUInt64(System.Text.Encoding.ASCII.GetBytes(Passwd)[..8]);
        Assert.DoesNotContain(asLength.ToString(System.Globalization.CultureInfo.InvariantCulture), withoutPath);
    }
}
