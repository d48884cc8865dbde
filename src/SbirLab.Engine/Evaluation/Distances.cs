using TorchSharp;
using static TorchSharp.torch;

namespace SbirLab.Engine.Evaluation;

/// <summary>
/// Pairwise distances between query and gallery embeddings, computed with one matrix product so that a
/// block of queries against a whole gallery costs a single GEMM (seed 004: "without using loops").
/// </summary>
public static class Distances
{
    /// <summary>
    /// Squared Euclidean distances ‖q − g‖² for every pair: [Q,D] × [G,D] → [Q,G], in the dtype of the inputs.
    /// Uses the general expansion ‖q‖² + ‖g‖² − 2·q·gᵀ (no normalisation assumed) and clamps the rounding
    /// error below zero to 0. Both tensors must be on the same device.
    /// </summary>
    public static Tensor SquaredEuclidean(Tensor queries, Tensor gallery)
    {
        RequireMatrices(queries, gallery);
        using var scope = NewDisposeScope();
        var querySquaredNorms = queries.square().sum(1, keepdim: true);
        var gallerySquaredNorms = gallery.square().sum(1).unsqueeze(0);
        var crossTerms = queries.matmul(gallery.t());
        var distances = (querySquaredNorms + gallerySquaredNorms - 2 * crossTerms).clamp_min(0);
        return distances.MoveToOuterDisposeScope();
    }

    private static void RequireMatrices(Tensor queries, Tensor gallery)
    {
        if (queries.dim() != 2 || gallery.dim() != 2)
        {
            throw new ArgumentException($"Expected 2-D embeddings, got queries {Shape(queries)} and gallery {Shape(gallery)}.");
        }

        if (queries.shape[1] != gallery.shape[1])
        {
            throw new ArgumentException($"Embedding widths differ: queries {Shape(queries)}, gallery {Shape(gallery)}.");
        }
    }

    private static string Shape(Tensor t) => "[" + string.Join(",", t.shape) + "]";
}
