using TorchSharp;
using static TorchSharp.torch;

namespace SbirLab.Engine.Miners;

/// <summary>
/// All-against-all distance matrices, computed with one matrix product instead of a loop
/// (seed 003: "compute the matrix of squared Euclidean distances with vector operations").
/// </summary>
public static class PairwiseDistances
{
    /// <summary>
    /// Squared Euclidean distances <c>D[i, j] = ‖x_i − y_j‖²</c> between the rows of <paramref name="x"/> [N, D]
    /// and <paramref name="y"/> [M, D], as an [N, M] tensor on their device.
    /// </summary>
    /// <remarks>
    /// Uses ‖x‖² + ‖y‖² − 2·x·yᵀ, whose rounding can go slightly below zero for (near-)identical rows, so the
    /// result is clamped at 0. It is differentiable; no square root is taken, so the gradient is finite
    /// even where two rows coincide.
    /// </remarks>
    public static Tensor SquaredEuclidean(Tensor x, Tensor y)
    {
        ArgumentNullException.ThrowIfNull(x);
        ArgumentNullException.ThrowIfNull(y);
        if (x.dim() != 2 || y.dim() != 2 || x.shape[1] != y.shape[1])
        {
            throw new ArgumentException(
                $"Expected two 2-D tensors with the same number of columns, got [{string.Join(", ", x.shape)}] and [{string.Join(", ", y.shape)}].");
        }

        using var scope = NewDisposeScope();
        var xNorms = x.pow(2).sum(1, keepdim: true);
        var yNorms = y.pow(2).sum(1, keepdim: true).t();
        var distances = (xNorms + yNorms - 2 * x.matmul(y.t())).clamp_min(0);
        return distances.MoveToOuterDisposeScope();
    }

    /// <summary>The entries <c>matrix[rows[t], columns[t]]</c> for paired int64 index vectors, as a 1-D tensor.</summary>
    internal static Tensor Gather(Tensor matrix, Tensor rows, Tensor columns)
    {
        using var scope = NewDisposeScope();
        var flatIndex = rows * matrix.shape[1] + columns;
        return matrix.reshape(-1).index_select(0, flatIndex).MoveToOuterDisposeScope();
    }
}
