namespace SbirLab.Store.Entities;

/// <summary>A free label on a run ("baseline", "smooth-ap", ...), used to filter lists.</summary>
public sealed class RunTag
{
    public long RunId { get; set; }
    public string Name { get; set; } = "";
}
