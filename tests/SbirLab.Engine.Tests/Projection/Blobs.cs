namespace SbirLab.Engine.Tests.Projection;

/// <summary>Seeded synthetic point sets.</summary>
internal static class Blobs
{
    /// <summary><paramref name="perBlob"/> points around each centre with isotropic Gaussian noise; labels are blob numbers.</summary>
    public static (float[][] Points, int[] Labels) Gaussian(double[][] centres, int perBlob, double sigma, int seed)
    {
        var random = new Random(seed);
        var points = new List<float[]>();
        var labels = new List<int>();
        for (int b = 0; b < centres.Length; b++)
        {
            for (int i = 0; i < perBlob; i++)
            {
                points.Add(centres[b].Select(c => (float)(c + sigma * StandardNormal(random))).ToArray());
                labels.Add(b);
            }
        }

        return (points.ToArray(), labels.ToArray());
    }

    public static double StandardNormal(Random random) =>
        Math.Sqrt(-2.0 * Math.Log(1.0 - random.NextDouble())) * Math.Cos(2.0 * Math.PI * random.NextDouble());

    /// <summary>Fraction of points whose nearest other point (Euclidean) has the same label.</summary>
    public static double NearestNeighbourAgreement(float[][] points, int[] labels)
    {
        int agreeing = 0;
        for (int i = 0; i < points.Length; i++)
        {
            int nearest = Enumerable.Range(0, points.Length).Where(j => j != i)
                .MinBy(j => points[i].Zip(points[j], (a, b) => (a - b) * (a - b)).Sum());
            agreeing += labels[nearest] == labels[i] ? 1 : 0;
        }

        return agreeing / (double)points.Length;
    }
}
