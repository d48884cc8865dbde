using SbirLab.Core.Runs;

namespace SbirLab.Core.Tests.Runs;

public sealed class AtomicFileTests : IDisposable
{
    private readonly string _folder = Path.Combine(Path.GetTempPath(), "sbirlab-atomic-" + Guid.NewGuid().ToString("N"));

    public void Dispose()
    {
        if (Directory.Exists(_folder)) Directory.Delete(_folder, recursive: true);
    }

    /// <summary>
    /// A reader polling while a writer replaces a 24 MB file six times, each version one byte value throughout, sees
    /// either no file or one whole version: never a shorter file, never two versions mixed.
    /// </summary>
    [Fact]
    public async Task A_reader_polling_during_big_writes_sees_nothing_or_a_whole_version()
    {
        const int Size = 24 << 20;
        const int Versions = 6;
        string path = Path.Combine(_folder, "checkpoints", "last.safetensors");
        var seen = new HashSet<byte>();
        int reads = 0, absent = 0;
        using var done = new CancellationTokenSource();
        var reader = Task.Factory.StartNew(() =>
        {
            while (!done.IsCancellationRequested && !seen.Contains(Versions)) // until it has read the last version
            {
                byte[] bytes;
                try { bytes = File.ReadAllBytes(path); }
                catch (FileNotFoundException) { absent++; continue; }
                catch (DirectoryNotFoundException) { absent++; continue; }
                Assert.Equal(Size, bytes.Length);
                Assert.True(bytes.AsSpan().IndexOfAnyExcept(bytes[0]) < 0, $"version {bytes[0]} mixed with another");
                seen.Add(bytes[0]);
                reads++;
            }
        }, TaskCreationOptions.LongRunning);
        while (Volatile.Read(ref absent) == 0) await Task.Delay(1); // the reader polls before the first write starts

        for (byte version = 1; version <= Versions; version++)
        {
            byte value = version;
            // written in 1 MB pieces with pauses, so the reader polls many times while the file is half written
            AtomicFile.Write(path, stream =>
            {
                var piece = new byte[1 << 20];
                Array.Fill(piece, value);
                for (int i = 0; i < Size / piece.Length; i++)
                {
                    stream.Write(piece);
                    stream.Flush();
                    Thread.Sleep(5);
                }
            });
        }
        done.CancelAfter(TimeSpan.FromSeconds(30));
        await reader;

        Assert.True(reads > Versions, $"{reads} reads, {absent} polls before the first version: the reader did not race the writer");
        Assert.Contains((byte)Versions, seen);
        Assert.Equal(["last.safetensors"], Directory.GetFiles(Path.GetDirectoryName(path)!).Select(Path.GetFileName));
    }

    [Fact]
    public void A_writer_that_fails_midway_leaves_the_old_file_and_no_temporary()
    {
        string path = Path.Combine(_folder, "pictures", "loss.png");
        AtomicFile.WriteAllText(path, "old");
        Assert.Throws<IOException>(() => AtomicFile.Write(path, stream =>
        {
            stream.Write(new byte[1000]);
            throw new IOException("disk full");
        }));
        Assert.Equal("old", File.ReadAllText(path));
        Assert.Equal(["loss.png"], Directory.GetFiles(Path.GetDirectoryName(path)!).Select(Path.GetFileName));
    }

    [Fact]
    public void Temporary_names_are_told_apart_from_artifacts()
    {
        string path = Path.Combine(_folder, "index", "gallery.hnsw");
        string? temporary = null;
        AtomicFile.Write(path, _ => temporary = Directory.GetFiles(Path.GetDirectoryName(path)!).Single());
        Assert.True(AtomicFile.IsTemporary(temporary!));
        Assert.StartsWith(".gallery.hnsw.", Path.GetFileName(temporary));
        Assert.False(AtomicFile.IsTemporary(path));
        Assert.False(AtomicFile.IsTemporary(Path.Combine(_folder, ".hidden")));
    }
}
