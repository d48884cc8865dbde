using TorchSharp;
using static TorchSharp.torch;

namespace SbirLab.Engine.Tests.Evaluation;

/// <summary>Embeddings for the evaluation tests, as double arrays for the reference and tensors for the engine.</summary>
internal static class EvaluationData
{
    public static Tensor ToTensor(double[][] rows, ScalarType dtype = ScalarType.Float64)
    {
        var flat = rows.SelectMany(r => r).ToArray();
        return tensor(flat, rows.Length, rows[0].Length, dtype: ScalarType.Float64).to_type(dtype);
    }

    /// <summary>1-D embeddings: each value is one point on a line.</summary>
    public static double[][] OnLine(params double[] positions) => positions.Select(p => new[] { p }).ToArray();

    public static double[][] Gaussian(int count, int width, Random random) =>
        Enumerable.Range(0, count)
            .Select(_ => Enumerable.Range(0, width).Select(_ => NextGaussian(random)).ToArray())
            .ToArray();

    /// <summary>Integer coordinates in 0..maxValue: exact in float32 and full of distance ties.</summary>
    public static double[][] SmallIntegers(int count, int width, int maxValue, Random random) =>
        Enumerable.Range(0, count)
            .Select(_ => Enumerable.Range(0, width).Select(_ => (double)random.Next(maxValue + 1)).ToArray())
            .ToArray();

    public static long[] Labels(int count, int classes, Random random) =>
        Enumerable.Range(0, count).Select(_ => (long)random.Next(classes)).ToArray();

    private static double NextGaussian(Random random) =>
        Math.Sqrt(-2 * Math.Log(1 - random.NextDouble())) * Math.Cos(2 * Math.PI * random.NextDouble());
}
