using System.Text;

namespace SbirLab.Core.Runs;

/// <summary>
/// The one way run artifacts are written (checkpoints, pictures, reports, the gallery index, embeddings, exports): the
/// bytes go to a temporary file in the same folder, are flushed to disk, and the file is renamed over the final name.
/// A rename within a folder is atomic on POSIX file systems, NFS included, so a reader on any machine sharing the
/// artifact root sees the old file, or nothing, or the whole new file, never half of one; a writer killed mid-write
/// leaves only a temporary file (<see cref="IsTemporary"/>), which listings skip.
/// </summary>
public static class AtomicFile
{
    private const string TemporarySuffix = ".partial";

    /// <summary>Writes <paramref name="path"/> through <paramref name="write"/> (creating its folder) and puts it in place at once.</summary>
    public static void Write(string path, Action<Stream> write)
    {
        string full = Path.GetFullPath(path);
        string folder = Path.GetDirectoryName(full)!;
        Directory.CreateDirectory(folder);
        string temporary = Path.Combine(folder, $".{Path.GetFileName(full)}.{Guid.NewGuid():N}{TemporarySuffix}");
        try
        {
            using (var stream = new FileStream(temporary, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1 << 16))
            {
                write(stream);
                stream.Flush(flushToDisk: true); // the data is on disk before the name points at it
            }
            File.Move(temporary, full, overwrite: true);
        }
        catch
        {
            TryDelete(temporary);
            throw;
        }
    }

    public static void WriteAllBytes(string path, ReadOnlySpan<byte> bytes)
    {
        var copy = bytes.ToArray();
        Write(path, stream => stream.Write(copy));
    }

    public static void WriteAllText(string path, string text) =>
        Write(path, stream => stream.Write(new UTF8Encoding(false).GetBytes(text)));

    public static void WriteAllLines(string path, IEnumerable<string> lines) =>
        WriteAllText(path, string.Concat(lines.Select(l => l + Environment.NewLine)));

    /// <summary>Copies <paramref name="source"/> to <paramref name="destination"/>, replacing it at once.</summary>
    public static void Copy(string source, string destination) =>
        Write(destination, stream =>
        {
            using var input = File.OpenRead(source);
            input.CopyTo(stream);
        });

    /// <summary>True for the name of a file still being written (or left by a writer that died): never serve or list it.</summary>
    public static bool IsTemporary(string path)
    {
        string name = Path.GetFileName(path);
        return name.StartsWith('.') && name.EndsWith(TemporarySuffix, StringComparison.Ordinal);
    }

    private static void TryDelete(string path)
    {
        try { File.Delete(path); }
        catch (IOException) { /* already gone, or the folder went away */ }
        catch (UnauthorizedAccessException) { /* nothing more to do */ }
    }
}
