namespace SbirLab.Store.Entities;

/// <summary>
/// A sweep: its definition (the validated <c>SweepDefinition</c> as JSON, base config inlined) and how far it got.
/// Its points are ordinary runs carrying the tag <see cref="Tag"/>; the sweep belongs to the team its runs belong to.
/// </summary>
public sealed class SweepRecord
{
    public long Id { get; set; }
    public string Name { get; set; } = "";

    /// <summary>The definition as JSON (<c>SweepJson.Serialize</c>); its budget is the budget the sweep started with.</summary>
    public string DefinitionJson { get; set; } = "{}";

    public long TeamId { get; set; } = Team.DefaultId;
    public Team? Team { get; set; }

    /// <summary>Points to queue in all: the definition's budget plus every extension.</summary>
    public int Budget { get; set; }

    /// <summary>Points queued so far (the next point's index); a point is generated once, even if its run is deleted later.</summary>
    public int PointsQueued { get; set; }

    public DateTime CreatedAt { get; set; }

    /// <summary>When the sweep was stopped (its queued points cancelled); null while it runs.</summary>
    public DateTime? StoppedAt { get; set; }

    /// <summary>The tag of the sweep's runs: "sweep:12".</summary>
    public static string TagOf(long sweepId) => "sweep:" + sweepId.ToString(System.Globalization.CultureInfo.InvariantCulture);

    public string Tag => TagOf(Id);
}
