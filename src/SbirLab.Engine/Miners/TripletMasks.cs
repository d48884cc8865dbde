using static TorchSharp.torch;

namespace SbirLab.Engine.Miners;

/// <summary>
/// Boolean masks over a labelled batch that every miner and batch loss shares: which items are anchors, and
/// for each anchor row which items are its positives and negatives. Fully vectorised ([B] and [B, B] masks).
/// </summary>
internal static class TripletMasks
{
    /// <summary>Checks labels [B], an optional [B, B] distance matrix and the optional bool [B] masks.</summary>
    public static void Validate(Tensor labels, Tensor? squaredDistances, Tensor? anchorMask, Tensor? candidateMask)
    {
        ArgumentNullException.ThrowIfNull(labels);
        if (labels.dim() != 1)
        {
            throw new ArgumentException($"Labels must be 1-D [B], got [{string.Join(", ", labels.shape)}].", nameof(labels));
        }

        var batch = labels.shape[0];
        if (squaredDistances is not null && (squaredDistances.dim() != 2 || squaredDistances.shape[0] != batch || squaredDistances.shape[1] != batch))
        {
            throw new ArgumentException(
                $"The distance matrix must be [{batch}, {batch}], got [{string.Join(", ", squaredDistances.shape)}].", nameof(squaredDistances));
        }

        ValidateMask(anchorMask, batch, nameof(anchorMask));
        ValidateMask(candidateMask, batch, nameof(candidateMask));
    }

    /// <summary>
    /// Bool [B]: the first <paramref name="anchorCount"/> items (in batch order) that <paramref name="anchorMask"/>
    /// allows; all allowed items when <paramref name="anchorCount"/> is at least B.
    /// </summary>
    public static Tensor Anchors(Tensor labels, Tensor? anchorMask, long anchorCount)
    {
        var batch = labels.shape[0];
        var allowed = anchorMask?.to(labels.device) ?? ones(batch, ScalarType.Bool, labels.device);
        if (anchorCount >= batch)
        {
            return allowed;
        }

        var rank = allowed.to_type(ScalarType.Int64).cumsum(0);
        return allowed & rank.le(anchorCount);
    }

    /// <summary>
    /// Bool [B, B] masks: <c>Positive[a, p]</c> when a is an anchor, p a candidate, p ≠ a and their labels agree;
    /// <c>Negative[a, n]</c> when a is an anchor, n a candidate and their labels differ. Rows of non-anchors are false.
    /// </summary>
    public static (Tensor Positive, Tensor Negative) PositivesAndNegatives(Tensor labels, Tensor anchors, Tensor? candidateMask)
    {
        var batch = labels.shape[0];
        var candidates = candidateMask?.to(labels.device) ?? ones(batch, ScalarType.Bool, labels.device);
        var pairAllowed = anchors.unsqueeze(1) & candidates.unsqueeze(0);
        var sameLabel = labels.unsqueeze(1).eq(labels.unsqueeze(0));
        var notSelf = eye(batch, dtype: ScalarType.Bool, device: labels.device).logical_not();
        var positive = pairAllowed & sameLabel & notSelf;
        var negative = pairAllowed & sameLabel.logical_not();
        return (positive, negative);
    }

    /// <summary>The int64 indices where a bool [B] mask is true.</summary>
    public static Tensor IndicesOf(Tensor mask) => mask.nonzero().reshape(-1);

    /// <summary>Empty int64 index vectors on the labels' device, for batches with nothing to mine.</summary>
    public static TripletIndices Empty(Device device) =>
        new(empty(0, ScalarType.Int64, device), empty(0, ScalarType.Int64, device), empty(0, ScalarType.Int64, device));

    private static void ValidateMask(Tensor? mask, long batch, string name)
    {
        if (mask is not null && (mask.dtype != ScalarType.Bool || mask.dim() != 1 || mask.shape[0] != batch))
        {
            throw new ArgumentException($"{name} must be a bool tensor of shape [{batch}], got {mask.dtype} [{string.Join(", ", mask.shape)}].", name);
        }
    }
}
