using SbirLab.Engine.Samplers;

namespace SbirLab.Engine.Tests.Samplers;

public class SamplerTests
{
    [Fact]
    public void ShuffleDrawsWithoutReplacementAndRepeatsPerEpoch()
    {
        var sampler = new ShuffleSampler(count: 103, batchSize: 10, seed: 5);
        var epoch = sampler.Epoch(0).ToList();
        Assert.Equal(10, epoch.Count); // 103 / 10, the short batch dropped
        var all = epoch.SelectMany(b => b).ToList();
        Assert.Equal(all.Count, all.Distinct().Count());
        Assert.Equal(epoch.SelectMany(b => b), sampler.Epoch(0).SelectMany(b => b));
        Assert.NotEqual(epoch.SelectMany(b => b), sampler.Epoch(1).SelectMany(b => b));
    }

    [Fact]
    public void PkBatchHasNClassesTimesMItemsTimesLImages()
    {
        // 5 classes; each class has 4 items; each item has 3 images -> 60 images.
        var labels = new List<long>();
        var items = new List<int>();
        for (int c = 0; c < 5; c++)
            for (int item = 0; item < 4; item++)
                for (int image = 0; image < 3; image++) { labels.Add(c); items.Add(c * 10 + item); }
        var sampler = new PkSampler(labels, items, classes: 3, items: 2, imagesPerItem: 2, seed: 1);
        foreach (var batch in sampler.Epoch(0))
        {
            Assert.Equal(12, batch.Length);
            Assert.Equal(3, batch.Select(i => labels[i]).Distinct().Count());
            var byItem = batch.GroupBy(i => items[i]).ToList();
            Assert.Equal(6, byItem.Count);
            Assert.All(byItem, g => Assert.Equal(2, g.Count()));
            Assert.All(batch.GroupBy(i => labels[i]), g => Assert.Equal(2, g.Select(i => items[i]).Distinct().Count()));
        }
    }

    [Fact]
    public void PkClassOrItemThatCannotFillItsShareSitsOut()
    {
        // class 0: two items of 2 images; class 1: two items of 2 images; class 2: one full item and one item of a single image.
        long[] labels = [0, 0, 0, 0, 1, 1, 1, 1, 2, 2, 2];
        int[] items = [0, 0, 1, 1, 2, 2, 3, 3, 4, 4, 5];
        var sampler = new PkSampler(labels, items, classes: 2, items: 2, imagesPerItem: 2, seed: 3);
        var used = sampler.Epoch(0).Concat(sampler.Epoch(1)).SelectMany(b => b).Select(i => labels[i]).Distinct().Order();
        Assert.Equal([0L, 1L], used); // class 2 has only one item with 2 images
        Assert.Throws<ArgumentException>(() => new PkSampler(labels, items, classes: 3, items: 2, imagesPerItem: 2, seed: 3));
    }

    [Fact]
    public void PairsAreAboutHalfPositiveAndLaidOutFirstThenSecond()
    {
        var labels = Enumerable.Range(0, 1000).Select(i => (long)(i % 10)).ToArray();
        var sampler = new PairSampler(labels, pairsPerBatch: 50, positiveShare: 0.5, seed: 2);
        int positives = 0, pairs = 0;
        foreach (var batch in sampler.Epoch(0))
        {
            Assert.Equal(100, batch.Length);
            for (int i = 0; i < 50; i++, pairs++) positives += labels[batch[i]] == labels[batch[50 + i]] ? 1 : 0;
        }
        Assert.InRange(positives / (double)pairs, 0.44, 0.56); // 1,000 pairs: 3 standard deviations is about 0.047
    }
}
