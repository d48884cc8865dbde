using SbirLab.Engine.Models;
using TorchSharp;
using static TorchSharp.torch;

namespace SbirLab.Engine.Datasets;

/// <summary>
/// Small grey images held in memory as one managed byte array (FashionMNIST and its pseudo-sketches): a batch is
/// a copy of its images' bytes and one conversion to floats.
/// </summary>
public sealed class GreyImageSet : IImageSet
{
    private readonly byte[] _bytes; // [N, 1, S, S] uint8
    private readonly float _mean;
    private readonly float _std;

    public GreyImageSet(byte[] pixels, int size, long[] labels, Domain[] domains, int[] itemIds, float mean, float std)
    {
        if (pixels.Length != labels.Length * size * size) throw new ArgumentException("pixels and labels disagree in count");
        _bytes = pixels;
        Size = size;
        Labels = labels;
        Domains = domains;
        ItemIds = itemIds;
        _mean = mean;
        _std = std;
    }

    public int Count => Labels.Count;
    public int Channels => 1;
    public int Size { get; }
    public IReadOnlyList<long> Labels { get; }
    public IReadOnlyList<Domain> Domains { get; }
    public IReadOnlyList<int> ItemIds { get; }

    /// <summary>
    /// Joins two sets; with <paramref name="itemsShared"/> the i-th images of both are one item (a photo
    /// and its sketch), which is what the PK sampler's l images per item draws from.
    /// </summary>
    public static GreyImageSet Concat(GreyImageSet first, GreyImageSet second, bool itemsShared)
    {
        if (first.Size != second.Size || first._mean != second._mean || first._std != second._std)
            throw new ArgumentException("only sets of one size and normalisation can be joined");
        var items = first.ItemIds.Concat(second.ItemIds.Select(id => itemsShared ? id : id + first.Count)).ToArray();
        return new GreyImageSet([.. first._bytes, .. second._bytes], first.Size, [.. first.Labels, .. second.Labels],
            [.. first.Domains, .. second.Domains], items, first._mean, first._std);
    }

    public Tensor Batch(ReadOnlySpan<int> indices, Augmentation? augmentation = null) => ToTensor(BatchPixels(indices, augmentation));

    public byte[] BatchPixels(ReadOnlySpan<int> indices, Augmentation? augmentation = null)
    {
        int length = Size * Size;
        var bytes = new byte[indices.Length * length];
        for (int i = 0; i < indices.Length; i++) _bytes.AsSpan(indices[i] * length, length).CopyTo(bytes.AsSpan(i * length, length));
        if (augmentation is null) return bytes;
        var augmented = new byte[bytes.Length];
        augmentation.Augmenter.ApplyBatch(bytes, augmented, indices.Length, 1, Size, augmentation.Random);
        return augmented;
    }

    /// <summary>(b / 255 - mean) / std in float32, the same operations in the same order as torch's div, sub, div.</summary>
    public Tensor ToTensor(byte[] pixels)
    {
        int count = pixels.Length / (Size * Size);
        var batch = empty([count, 1, Size, Size], ScalarType.Float32);
        var values = System.Runtime.InteropServices.MemoryMarshal.Cast<byte, float>(batch.bytes);
        for (int i = 0; i < pixels.Length; i++) values[i] = (pixels[i] / 255f - _mean) / _std;
        return batch;
    }

    public byte[] Pixels(int index) => _bytes.AsSpan(index * Size * Size, Size * Size).ToArray();
}
