namespace SbirLab.Store.Entities;

/// <summary>A file a run produced (checkpoint, picture, exported embedding, report): the file lives in the data folder, the row here.</summary>
public sealed class Artifact
{
    public long Id { get; set; }
    public long RunId { get; set; }

    /// <summary>"checkpoint", "picture", "embedding", "report" or "file".</summary>
    public string Kind { get; set; } = "";

    /// <summary>Path relative to the data folder (absolute when the file lies outside it).</summary>
    public string Path { get; set; } = "";

    public long SizeBytes { get; set; }
    public DateTime CreatedAt { get; set; }
}
