using System.Numerics;
using System.Runtime.InteropServices;

namespace SbirLab.Engine.Indexing;

/// <summary>
/// SIMD distance kernels on <see cref="Vector{T}"/> (System.Numerics.Tensors is a NuGet package, not part of the
/// shared framework, so the loops are written by hand). Both inputs must have the same length.
/// </summary>
public static class VectorDistance
{
    /// <summary>Distance under <paramref name="metric"/>; see <see cref="DistanceMetric"/>.</summary>
    public static float Compute(DistanceMetric metric, ReadOnlySpan<float> a, ReadOnlySpan<float> b) =>
        metric == DistanceMetric.SquaredL2 ? SquaredL2(a, b) : 1f - Dot(a, b);

    /// <summary>‖a − b‖².</summary>
    public static float SquaredL2(ReadOnlySpan<float> a, ReadOnlySpan<float> b)
    {
        EnsureSameLength(a, b);
        var va = MemoryMarshal.Cast<float, Vector<float>>(a);
        var vb = MemoryMarshal.Cast<float, Vector<float>>(b);
        Vector<float> sum0 = Vector<float>.Zero, sum1 = Vector<float>.Zero;
        int v = 0;
        for (; v + 1 < va.Length; v += 2)
        {
            var d0 = va[v] - vb[v];
            var d1 = va[v + 1] - vb[v + 1];
            sum0 = Vector.FusedMultiplyAdd(d0, d0, sum0);
            sum1 = Vector.FusedMultiplyAdd(d1, d1, sum1);
        }

        if (v < va.Length)
        {
            var d = va[v] - vb[v];
            sum0 = Vector.FusedMultiplyAdd(d, d, sum0);
        }

        float total = Vector.Sum(sum0 + sum1);
        for (int i = va.Length * Vector<float>.Count; i < a.Length; i++)
        {
            float d = a[i] - b[i];
            total += d * d;
        }

        return total;
    }

    /// <summary>⟨a, b⟩.</summary>
    public static float Dot(ReadOnlySpan<float> a, ReadOnlySpan<float> b)
    {
        EnsureSameLength(a, b);
        var va = MemoryMarshal.Cast<float, Vector<float>>(a);
        var vb = MemoryMarshal.Cast<float, Vector<float>>(b);
        Vector<float> sum0 = Vector<float>.Zero, sum1 = Vector<float>.Zero;
        int v = 0;
        for (; v + 1 < va.Length; v += 2)
        {
            sum0 = Vector.FusedMultiplyAdd(va[v], vb[v], sum0);
            sum1 = Vector.FusedMultiplyAdd(va[v + 1], vb[v + 1], sum1);
        }

        if (v < va.Length)
        {
            sum0 = Vector.FusedMultiplyAdd(va[v], vb[v], sum0);
        }

        float total = Vector.Sum(sum0 + sum1);
        for (int i = va.Length * Vector<float>.Count; i < a.Length; i++)
        {
            total += a[i] * b[i];
        }

        return total;
    }

    private static void EnsureSameLength(ReadOnlySpan<float> a, ReadOnlySpan<float> b)
    {
        if (a.Length != b.Length)
        {
            throw new ArgumentException($"Vectors differ in length ({a.Length} vs {b.Length}).");
        }
    }
}
