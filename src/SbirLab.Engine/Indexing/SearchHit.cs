namespace SbirLab.Engine.Indexing;

/// <summary>One search result: the id returned by <see cref="IVectorIndex.Add"/> and its distance to the query.</summary>
/// <param name="Id">Insertion order of the vector (0, 1, 2, …).</param>
/// <param name="Distance">Distance under the index's <see cref="DistanceMetric"/>.</param>
public readonly record struct SearchHit(int Id, float Distance);
