namespace SbirLab.Engine.Indexing;

/// <summary>
/// How a vector index measures dissimilarity; smaller is always nearer.
/// </summary>
public enum DistanceMetric
{
    /// <summary>Squared Euclidean distance ‖a − b‖², the distance the triplet loss trains.</summary>
    SquaredL2 = 0,

    /// <summary>
    /// 1 − ⟨a, b⟩ (the hnswlib convention). For unit vectors this is the cosine distance and equals ‖a − b‖² / 2.
    /// </summary>
    InnerProduct = 1,
}
