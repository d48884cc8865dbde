namespace SbirLab.Store.Entities;

/// <summary>A person's note on a run ("lr too high, loss oscillates").</summary>
public sealed class RunNote
{
    public long Id { get; set; }
    public long RunId { get; set; }
    public string Text { get; set; } = "";
    public DateTime CreatedAt { get; set; }
}
