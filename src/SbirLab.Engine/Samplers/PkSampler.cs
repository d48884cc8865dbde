using SbirLab.Core.Configs;

namespace SbirLab.Engine.Samplers;

/// <summary>
/// Seed 003's batch: n classes × m items × l images. Items group images of one object (e.g. a photo
/// and its sketch); when a set has no item ids, every image is its own item and l must be 1. A class
/// with fewer than m usable items, or an item with fewer than l images, sits the batch out. With
/// <c>groups</c> (e.g. the domain of each image) every chosen class gives m items from EACH group, so a
/// cross-domain batch always has sketch anchors and photo candidates of the same classes.
/// An epoch has as many batches as the set has images / batch size.
/// </summary>
public sealed class PkSampler : IBatchSampler
{
    private readonly int[][][][] _classGroupItems; // class → group → usable item → image indices
    private readonly int _classes, _items, _images, _seed;

    public PkSampler(IReadOnlyList<long> labels, IReadOnlyList<int> itemIds, int classes, int items, int imagesPerItem, int seed,
        IReadOnlyList<int>? groups = null)
    {
        _classes = classes;
        _items = items;
        _images = imagesPerItem;
        _seed = seed;
        int groupCount = groups is null ? 1 : groups.Distinct().Count();
        _classGroupItems = labels.Select((label, index) => (label, group: groups?[index] ?? 0, item: itemIds[index], index))
            .GroupBy(x => x.label)
            .OrderBy(g => g.Key)
            .Select(byClass => byClass.GroupBy(x => x.group).OrderBy(g => g.Key)
                .Select(byGroup => byGroup.GroupBy(x => x.item).Select(i => i.Select(x => x.index).ToArray())
                    .Where(images => images.Length >= imagesPerItem).ToArray())
                .ToArray())
            .Where(classGroups => classGroups.Length == groupCount && classGroups.All(g => g.Length >= items))
            .ToArray();
        if (_classGroupItems.Length < classes)
            throw new ArgumentException(
                $"PK sampler: only {_classGroupItems.Length} classes have {items} items of {imagesPerItem} images" +
                (groupCount > 1 ? " in every domain" : "") + $", but a batch needs {classes} classes");
        BatchSize = classes * items * imagesPerItem * groupCount;
        BatchesPerEpoch = EpochSteps.Pk(labels.Count, BatchSize);
    }

    public int BatchSize { get; }
    public int BatchesPerEpoch { get; }

    public IEnumerable<int[]> Epoch(int epoch)
    {
        var random = SamplerRandom.ForEpoch(_seed, epoch, 2);
        for (int b = 0; b < BatchesPerEpoch; b++) yield return NextBatch(random);
    }

    private int[] NextBatch(Random random)
    {
        var batch = new List<int>(BatchSize);
        foreach (var classIndex in Pick(random, _classGroupItems.Length, _classes))
        {
            foreach (var items in _classGroupItems[classIndex])
            {
                foreach (var itemIndex in Pick(random, items.Length, _items))
                    batch.AddRange(Pick(random, items[itemIndex].Length, _images).Select(i => items[itemIndex][i]));
            }
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
