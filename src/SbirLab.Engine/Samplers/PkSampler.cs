namespace SbirLab.Engine.Samplers;

/// <summary>
/// Seed 003's batch: n classes × m items × l images. Items group images of one object (e.g. a photo
/// and its sketches); when a set has no item ids, every image is its own item and l must be 1. A
/// class with fewer than m usable items, or an item with fewer than l images, sits the batch out.
/// An epoch has as many batches as the set has images / (n·m·l).
/// </summary>
public sealed class PkSampler : IBatchSampler
{
    private readonly int[][][] _classItems; // class → usable item → image indices
    private readonly int _classes, _items, _images, _seed;

    public PkSampler(IReadOnlyList<long> labels, IReadOnlyList<int> itemIds, int classes, int items, int imagesPerItem, int seed)
    {
        _classes = classes;
        _items = items;
        _images = imagesPerItem;
        _seed = seed;
        _classItems = labels.Select((label, index) => (label, item: itemIds[index], index))
            .GroupBy(x => x.label)
            .OrderBy(g => g.Key)
            .Select(g => g.GroupBy(x => x.item).Select(i => i.Select(x => x.index).ToArray())
                .Where(images => images.Length >= imagesPerItem).ToArray())
            .Where(usable => usable.Length >= items)
            .ToArray();
        if (_classItems.Length < classes)
            throw new ArgumentException(
                $"PK sampler: only {_classItems.Length} classes have {items} items of {imagesPerItem} images, but a batch needs {classes} classes");
        BatchesPerEpoch = Math.Max(1, labels.Count / (classes * items * imagesPerItem));
    }

    public int BatchSize => _classes * _items * _images;
    public int BatchesPerEpoch { get; }

    public IEnumerable<int[]> Epoch(int epoch)
    {
        var random = SamplerRandom.ForEpoch(_seed, epoch, 2);
        for (int b = 0; b < BatchesPerEpoch; b++) yield return NextBatch(random);
    }

    private int[] NextBatch(Random random)
    {
        var batch = new List<int>(BatchSize);
        foreach (var classIndex in Pick(random, _classItems.Length, _classes))
        {
            var items = _classItems[classIndex];
            foreach (var itemIndex in Pick(random, items.Length, _items))
                batch.AddRange(Pick(random, items[itemIndex].Length, _images).Select(i => items[itemIndex][i]));
        }
        return [.. batch];
    }

    /// <summary>k distinct indices of [0, n) in random order.</summary>
    private static int[] Pick(Random random, int n, int k)
    {
        var all = Enumerable.Range(0, n).ToArray();
        random.Shuffle(all);
        return all[..k];
    }
}
