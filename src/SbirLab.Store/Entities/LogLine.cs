namespace SbirLab.Store.Entities;

/// <summary>One line of a run's log, in the order it was written.</summary>
public sealed class LogLine
{
    public long Id { get; set; }
    public long RunId { get; set; }
    public DateTime Time { get; set; }
    public string Text { get; set; } = "";
}
