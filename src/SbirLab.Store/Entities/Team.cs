namespace SbirLab.Store.Entities;

/// <summary>A course team: its members queue and manage its runs. Every run belongs to one team.</summary>
public sealed class Team
{
    /// <summary>The team that runs recorded before teams existed, and runs queued without a team, belong to.</summary>
    public const long DefaultId = 1;

    public const string DefaultName = "default";

    public long Id { get; set; }
    public string Name { get; set; } = "";
    public DateTime CreatedAt { get; set; }
}
