namespace SbirLab.Engine.Datasets;

/// <summary>
/// Seed 004's evaluation protocol: a test subset of <c>perClass</c> images of each class (the first ones
/// of each class in file order), shuffled with the run's seed; its first <c>queries</c> items are the
/// queries, and the whole subset is the gallery (each query is left out of its own ranking).
/// </summary>
public static class Seed004Protocol
{
    /// <returns>indices into the test split: the subset in its shuffled order.</returns>
    public static int[] Subset(long[] labels, int perClass, int seed)
    {
        var taken = new Dictionary<long, int>();
        var subset = new List<int>();
        for (int i = 0; i < labels.Length; i++)
        {
            taken.TryGetValue(labels[i], out int n);
            if (n >= perClass) continue;
            taken[labels[i]] = n + 1;
            subset.Add(i);
        }
        var order = subset.ToArray();
        new Random(seed).Shuffle(order);
        return order;
    }
}
