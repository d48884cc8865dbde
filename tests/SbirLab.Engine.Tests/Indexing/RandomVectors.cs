using SbirLab.Engine.Indexing;

namespace SbirLab.Engine.Tests.Indexing;

/// <summary>Seeded Gaussian test vectors and the recall measure.</summary>
internal static class RandomVectors
{
    public static float[][] Gaussian(int count, int dimension, int seed, bool normalise = false)
    {
        var random = new Random(seed);
        var vectors = new float[count][];
        for (int i = 0; i < count; i++)
        {
            vectors[i] = new float[dimension];
            for (int d = 0; d < dimension; d++)
            {
                vectors[i][d] = (float)StandardNormal(random);
            }

            if (normalise)
            {
                float norm = MathF.Sqrt(vectors[i].Sum(v => v * v));
                for (int d = 0; d < dimension; d++)
                {
                    vectors[i][d] /= norm;
                }
            }
        }

        return vectors;
    }

    /// <summary>Box–Muller transform.</summary>
    public static double StandardNormal(Random random) =>
        Math.Sqrt(-2.0 * Math.Log(1.0 - random.NextDouble())) * Math.Cos(2.0 * Math.PI * random.NextDouble());

    /// <summary>Mean over queries of |approximate top-k ∩ exact top-k| / k.</summary>
    public static double RecallAtK(ExactIndex exact, float[][] queries, int k, Func<float[], SearchHit[]> approximate)
    {
        double total = 0;
        foreach (var query in queries)
        {
            var truth = exact.Search(query, k).Select(h => h.Id).ToHashSet();
            total += approximate(query).Count(h => truth.Contains(h.Id)) / (double)k;
        }

        return total / queries.Length;
    }
}
