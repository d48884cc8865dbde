namespace SbirLab.Engine.Indexing;

/// <summary>
/// A k-nearest-neighbour index over fixed-length float vectors. Ids are insertion order (0, 1, 2, …) so a caller
/// can keep its labels and paths in a parallel list. Adds are not thread-safe; searches may run concurrently
/// once adding has finished.
/// </summary>
public interface IVectorIndex
{
    /// <summary>Number of vectors added.</summary>
    int Count { get; }

    /// <summary>Length every vector must have.</summary>
    int Dimension { get; }

    /// <summary>How distances are measured.</summary>
    DistanceMetric Metric { get; }

    /// <summary>Copies <paramref name="vector"/> into the index and returns its id.</summary>
    int Add(ReadOnlySpan<float> vector);

    /// <summary>Adds the vectors in order and returns the id of the first (ids are consecutive).</summary>
    int AddRange(IReadOnlyList<float[]> vectors);

    /// <summary>The <paramref name="k"/> nearest vectors, nearest first; fewer when the index holds fewer.</summary>
    SearchHit[] Search(ReadOnlySpan<float> query, int k);
}
