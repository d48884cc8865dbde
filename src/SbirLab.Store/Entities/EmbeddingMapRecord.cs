namespace SbirLab.Store.Entities;

/// <summary>
/// A run's 2-D embedding map in one projection (<c>tsne</c> or <c>pca</c>), in the one map format
/// (<see cref="Core.Evaluations.EmbeddingMapData"/>): the final evaluation's maps, and those made on request in the lab.
/// One per run and projection; a newer map replaces the older one.
/// </summary>
public sealed class EmbeddingMapRecord
{
    public long Id { get; set; }
    public long RunId { get; set; }

    /// <summary>"tsne" or "pca".</summary>
    public string Projection { get; set; } = "";

    public DateTime CreatedAt { get; set; }

    /// <summary>The map as <see cref="Core.Evaluations.EmbeddingMapData.ToJson"/> writes it.</summary>
    public string MapJson { get; set; } = "{}";
}
