using SbirLab.Core.Configs;

namespace SbirLab.Engine.Samplers;

/// <summary>
/// Random pairs for the contrastive loss (seed 002), about <c>positiveShare</c> of them same-class.
/// A batch of B pairs is laid out as [first₀ … first_{B−1}, second₀ … second_{B−1}]; with
/// <c>crossDomain</c> the first element of each pair is a sketch and the second a photo.
/// </summary>
public sealed class PairSampler : IBatchSampler
{
    private readonly Dictionary<long, int[]> _byClass;
    private readonly long[] _classes;
    private readonly int[] _anchors;
    private readonly int _pairs, _seed;
    private readonly double _positiveShare;

    public PairSampler(IReadOnlyList<long> labels, int pairsPerBatch, double positiveShare, int seed,
        IReadOnlyList<bool>? isAnchor = null, IReadOnlyList<bool>? isCandidate = null)
    {
        _pairs = pairsPerBatch;
        _positiveShare = positiveShare;
        _seed = seed;
        var indices = Enumerable.Range(0, labels.Count);
        _anchors = indices.Where(i => isAnchor?[i] ?? true).ToArray();
        _byClass = indices.Where(i => isCandidate?[i] ?? true).GroupBy(i => labels[i]).ToDictionary(g => g.Key, g => g.ToArray());
        _classes = [.. _byClass.Keys.Order()];
        if (_classes.Length < 2) throw new ArgumentException("pair sampler needs at least two classes");
        Labels = labels;
        BatchesPerEpoch = EpochSteps.Pairs(_anchors.Length, pairsPerBatch);
    }

    private IReadOnlyList<long> Labels { get; }
    public int BatchesPerEpoch { get; }

    public IEnumerable<int[]> Epoch(int epoch)
    {
        var random = SamplerRandom.ForEpoch(_seed, epoch, 3);
        var order = _anchors.ToArray();
        random.Shuffle(order);
        for (int b = 0; b < BatchesPerEpoch; b++)
        {
            var batch = new int[2 * _pairs];
            for (int i = 0; i < _pairs; i++)
            {
                int first = order[b * _pairs + i];
                batch[i] = first;
                batch[_pairs + i] = Partner(random, Labels[first], random.NextDouble() < _positiveShare);
            }
            yield return batch;
        }
    }

    private int Partner(Random random, long label, bool positive)
    {
        long partnerClass = label;
        if (!positive)
        {
            do partnerClass = _classes[random.Next(_classes.Length)];
            while (partnerClass == label);
        }
        var members = _byClass.TryGetValue(partnerClass, out var m) ? m : _byClass[_classes[0]];
        return members[random.Next(members.Length)];
    }
}
