namespace SbirLab.Store.Entities;

/// <summary>A named group of runs (e.g. "triplet margin sweep"), so related runs are listed and compared together.</summary>
public sealed class Experiment
{
    public long Id { get; set; }
    public string Name { get; set; } = "";
    public string? Description { get; set; }
    public DateTime CreatedAt { get; set; }
    public List<RunRecord> Runs { get; set; } = [];
}
