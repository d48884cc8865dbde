using SbirLab.Engine.Indexing;

namespace SbirLab.Engine.Tests.Indexing;

public class VectorDistanceTests
{
    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(7)]
    [InlineData(8)]
    [InlineData(17)]
    [InlineData(33)]
    [InlineData(512)]
    public void SimdKernelsAgreeWithScalarSumsForEveryTailLength(int length)
    {
        var pair = RandomVectors.Gaussian(2, Math.Max(length, 1), seed: length);
        var a = pair[0].AsSpan(0, length).ToArray();
        var b = pair[1].AsSpan(0, length).ToArray();
        double squared = 0, dot = 0;
        for (int i = 0; i < length; i++)
        {
            squared += (a[i] - b[i]) * (double)(a[i] - b[i]);
            dot += a[i] * (double)b[i];
        }

        Assert.Equal(squared, VectorDistance.SquaredL2(a, b), 1e-3);
        Assert.Equal(dot, VectorDistance.Dot(a, b), 1e-3);
        Assert.Equal(1 - dot, VectorDistance.Compute(DistanceMetric.InnerProduct, a, b), 1e-3);
    }

    [Fact]
    public void HandWorkedExample()
    {
        // a − b = (1, −2, 2): 1 + 4 + 4 = 9.  ⟨a, b⟩ = 1·0 + 0·2 + 3·1 = 3.
        float[] a = [1, 0, 3];
        float[] b = [0, 2, 1];
        Assert.Equal(9f, VectorDistance.SquaredL2(a, b));
        Assert.Equal(3f, VectorDistance.Dot(a, b));
        Assert.Equal(-2f, VectorDistance.Compute(DistanceMetric.InnerProduct, a, b));
    }

    [Fact]
    public void DifferentLengthsAreRejected()
    {
        Assert.Throws<ArgumentException>(() => VectorDistance.SquaredL2(new float[3], new float[4]));
    }
}
