using SbirLab.Engine.Models;
using TorchSharp;
using static TorchSharp.torch;

namespace SbirLab.Engine.Datasets;

/// <summary>
/// Small grey images held in memory as one uint8 tensor (FashionMNIST and its pseudo-sketches):
/// a batch is one index_select and one conversion, with no per-image work.
/// </summary>
public sealed class GreyImageSet : IImageSet, IDisposable
{
    private readonly Tensor _pixels; // [N, 1, S, S] uint8
    private readonly byte[] _bytes;
    private readonly float _mean;
    private readonly float _std;

    public GreyImageSet(byte[] pixels, int size, long[] labels, Domain[] domains, int[] itemIds, float mean, float std)
    {
        if (pixels.Length != labels.Length * size * size) throw new ArgumentException("pixels and labels disagree in count");
        _bytes = pixels;
        _pixels = tensor(pixels, [labels.Length, 1, size, size], dtype: ScalarType.Byte);
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

    public Tensor Batch(ReadOnlySpan<int> indices, Augmentation? augmentation = null)
    {
        using var scope = NewDisposeScope();
        var index = tensor(indices.ToArray().Select(i => (long)i).ToArray(), dtype: ScalarType.Int64);
        var bytes = _pixels.index_select(0, index);
        if (augmentation is not null) bytes = Augment(bytes, augmentation);
        var batch = bytes.to_type(ScalarType.Float32).div_(255f).sub_(_mean).div_(_std);
        return batch.MoveToOuterDisposeScope();
    }

    public byte[] Pixels(int index) => _bytes.AsSpan(index * Size * Size, Size * Size).ToArray();

    private Tensor Augment(Tensor bytes, Augmentation augmentation)
    {
        var source = bytes.data<byte>().ToArray();
        var augmented = new byte[source.Length];
        augmentation.Augmenter.ApplyBatch(source, augmented, (int)bytes.shape[0], 1, Size, augmentation.Random);
        return tensor(augmented, bytes.shape, dtype: ScalarType.Byte);
    }

    public void Dispose() => _pixels.Dispose();
}
