namespace SbirLab.Engine.Evaluation;

/// <summary>Chooses the ranks at which curves over 1..N are stored, so a report stays small for any gallery.</summary>
internal static class RankSampling
{
    /// <summary>
    /// Every rank 1..length when length ≤ maxPoints; otherwise maxPoints ranks rounded from an even spread,
    /// 1 + round(i·(length − 1)/(maxPoints − 1)) for i = 0..maxPoints−1, which start at 1, end at length and
    /// strictly increase (the step exceeds 1).
    /// </summary>
    public static int[] Even(int length, int maxPoints)
    {
        if (length < 1 || maxPoints < 2)
        {
            throw new ArgumentOutOfRangeException(nameof(length), $"Need length ≥ 1 and maxPoints ≥ 2 (got {length}, {maxPoints}).");
        }

        if (length <= maxPoints)
        {
            return Enumerable.Range(1, length).ToArray();
        }

        long span = length - 1, steps = maxPoints - 1;
        return Enumerable.Range(0, maxPoints).Select(i => (int)(1 + ((i * span) + (steps / 2)) / steps)).ToArray();
    }
}
