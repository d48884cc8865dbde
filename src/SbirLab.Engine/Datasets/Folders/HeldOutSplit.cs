namespace SbirLab.Engine.Datasets.Folders;

/// <summary>
/// A test split for a set that has none (seed 002 splits Sketchy 80 / 20): of every class, round(share × n) images, at
/// least one while the class keeps one for training, drawn with the run's seed. The draw depends on the seed, the class and
/// the images' paths only, never on the order the folders list them, so training and a later evaluation (search, a
/// re-evaluation, another process) find the same split without reading each other's state.
/// </summary>
public static class HeldOutSplit
{
    /// <summary>The items of <paramref name="items"/> kept for training and those held out for evaluation.</summary>
    public static (IReadOnlyList<LabelledImage> Train, IReadOnlyList<LabelledImage> Test) Split(
        IReadOnlyList<LabelledImage> items, double share, int seed, int domain)
    {
        ArgumentNullException.ThrowIfNull(items);
        ArgumentOutOfRangeException.ThrowIfNegative(share);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(share, 1.0);
        var test = new HashSet<LabelledImage>();
        foreach (var byClass in items.GroupBy(i => i.Label))
        {
            var ordered = byClass.OrderBy(i => i.Path, StringComparer.Ordinal).ToArray();
            new Random(StableSeed.Derive(seed, domain, byClass.Key)).Shuffle(ordered);
            foreach (var item in ordered.Take(HeldOutCount(ordered.Length, share))) test.Add(item);
        }
        return ([.. items.Where(i => !test.Contains(i))], [.. items.Where(test.Contains)]);
    }

    /// <summary>How many of a class's <paramref name="count"/> images are held out.</summary>
    public static int HeldOutCount(int count, double share)
    {
        if (share <= 0 || count < 2) return 0;
        return Math.Clamp((int)Math.Round(share * count, MidpointRounding.AwayFromZero), 1, count - 1);
    }
}
