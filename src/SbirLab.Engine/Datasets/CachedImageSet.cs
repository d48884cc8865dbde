using SbirLab.Engine.Datasets.Folders;
using SbirLab.Engine.Imaging;
using SbirLab.Engine.Models;
using static TorchSharp.torch;

namespace SbirLab.Engine.Datasets;

/// <summary>
/// Images of real SBIR sets, decoded once into memory-mapped <see cref="PreprocessedCache"/>s (one per
/// domain), so later epochs never decode again and resident memory does not grow with the set.
/// </summary>
public sealed class CachedImageSet : IImageSet, IDisposable
{
    private readonly (PreprocessedCache Cache, Domain Domain)[] _parts;
    private readonly int[] _partOf;
    private readonly int[] _indexInPart;
    private readonly ImageNormalisation _normalisation;

    public CachedImageSet(IReadOnlyList<(PreprocessedCache Cache, Domain Domain)> parts, ImageNormalisation normalisation)
    {
        _parts = [.. parts];
        _normalisation = normalisation;
        var first = parts[0].Cache;
        Size = first.Size;
        Channels = first.Channels;
        var partOf = new List<int>();
        var indexInPart = new List<int>();
        var labels = new List<long>();
        var domains = new List<Domain>();
        for (int p = 0; p < _parts.Length; p++)
        {
            for (int i = 0; i < _parts[p].Cache.Count; i++)
            {
                partOf.Add(p);
                indexInPart.Add(i);
                labels.Add(_parts[p].Cache.GetLabel(i));
                domains.Add(_parts[p].Domain);
            }
        }
        _partOf = [.. partOf];
        _indexInPart = [.. indexInPart];
        Labels = labels;
        Domains = domains;
        ItemIds = Enumerable.Range(0, labels.Count).ToArray(); // folder sets do not pair sketches with photos
    }

    public int Count => _partOf.Length;
    public int Channels { get; }
    public int Size { get; }
    public IReadOnlyList<long> Labels { get; }
    public IReadOnlyList<Domain> Domains { get; }
    public IReadOnlyList<int> ItemIds { get; }

    /// <summary>Images the caches could not decode, across the parts.</summary>
    public int Skipped => _parts.Sum(p => p.Cache.SkippedCount);

    public Tensor Batch(ReadOnlySpan<int> indices, Augmentation? augmentation = null) => ToTensor(BatchPixels(indices, augmentation));

    public byte[] BatchPixels(ReadOnlySpan<int> indices, Augmentation? augmentation = null)
    {
        int length = Channels * Size * Size;
        var bytes = new byte[indices.Length * length];
        for (int i = 0; i < indices.Length; i++) Read(indices[i], bytes.AsSpan(i * length, length));
        if (augmentation is null) return bytes;
        var augmented = new byte[bytes.Length];
        augmentation.Augmenter.ApplyBatch(bytes, augmented, indices.Length, Channels, Size, augmentation.Random);
        return augmented;
    }

    public Tensor ToTensor(byte[] pixels) =>
        ImagePreprocessor.ToTensor(pixels, pixels.Length / (Channels * Size * Size), Channels, Size, Size, _normalisation);

    /// <summary>HWC bytes for pictures.</summary>
    public byte[] Pixels(int index)
    {
        int plane = Size * Size;
        var chw = new byte[Channels * plane];
        Read(index, chw);
        var hwc = new byte[chw.Length];
        for (int c = 0; c < Channels; c++)
            for (int p = 0; p < plane; p++) hwc[p * Channels + c] = chw[c * plane + p];
        return hwc;
    }

    private void Read(int index, Span<byte> destination) => _parts[_partOf[index]].Cache.GetImage(_indexInPart[index], destination);

    public void Dispose()
    {
        foreach (var (cache, _) in _parts) cache.Dispose();
    }
}
