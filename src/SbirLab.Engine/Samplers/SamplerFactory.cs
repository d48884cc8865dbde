using SbirLab.Core.Configs;
using SbirLab.Engine.Datasets;
using SbirLab.Engine.Models;

namespace SbirLab.Engine.Samplers;

/// <summary>Builds the batch sampler a config names over a training set.</summary>
public static class SamplerFactory
{
    public static IBatchSampler Create(RunConfig config, IImageSet train)
    {
        var batch = config.Batch;
        return batch.Sampler switch
        {
            // Photo–sketch pairs that share an item id (pseudo-sketches) are drawn together as an item's l images;
            // otherwise a cross-domain set gives m items per domain for every class of the batch.
            SamplerKind.Pk => new PkSampler(train.Labels, train.ItemIds, batch.Classes, batch.Items, batch.ImagesPerItem, config.Seed,
                CrossDomain(train) && !ItemsSpanDomains(train) ? train.Domains.Select(d => (int)d).ToArray() : null),
            SamplerKind.Pairs => CrossDomain(train)
                ? new PairSampler(train.Labels, batch.Size, batch.PositiveShare, config.Seed,
                    train.Domains.Select(d => d == Domain.Sketch).ToArray(), train.Domains.Select(d => d == Domain.Photo).ToArray())
                : new PairSampler(train.Labels, batch.Size, batch.PositiveShare, config.Seed),
            SamplerKind.Shuffle => new ShuffleSampler(train.Count, batch.Size, config.Seed),
        };
    }

    private static bool CrossDomain(IImageSet set) => set.Domains.Distinct().Count() > 1;

    private static bool ItemsSpanDomains(IImageSet set) =>
        Enumerable.Range(0, set.Count).GroupBy(i => set.ItemIds[i]).Any(item => item.Select(i => set.Domains[i]).Distinct().Count() > 1);
}
