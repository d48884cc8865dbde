using TorchSharp;
using static TorchSharp.torch;

namespace SbirLab.Engine.Tests.Models;

/// <summary>Small assertions on tensors shared by the model tests.</summary>
internal static class TensorAssert
{
    public static void Shape(Tensor tensor, params long[] expected) => Assert.Equal(expected, tensor.shape);

    public static void Close(Tensor expected, Tensor actual, double tolerance = 1e-5)
    {
        Assert.Equal(expected.shape, actual.shape);
        var maxError = (expected - actual).abs().max().item<float>();
        Assert.True(maxError <= tolerance, $"max |difference| {maxError} > {tolerance}");
    }

    /// <summary>Every row has Euclidean norm 1.</summary>
    public static void UnitRows(Tensor rows, double tolerance = 1e-5)
    {
        var norms = rows.norm(dim: 1);
        Close(torch.ones_like(norms), norms, tolerance);
    }

    public static void Equal(Tensor expected, Tensor actual) => Assert.True(Identical(expected, actual), "tensors differ");

    public static void NotEqual(Tensor expected, Tensor actual) => Assert.False(Identical(expected, actual), "tensors are equal");

    private static bool Identical(Tensor a, Tensor b) => a.shape.SequenceEqual(b.shape) && a.eq(b).all().item<bool>();
}
