namespace SbirLab.Store.Accounts;

/// <summary>The roles of the lab's accounts, as stored (lower case), plus <see cref="Anonymous"/> for a visitor without one.</summary>
public static class LabRoles
{
    /// <summary>Everything: every team's runs, accounts and teams.</summary>
    public const string Admin = "admin";

    /// <summary>A team member: queues and manages the runs of their team.</summary>
    public const string Member = "member";

    /// <summary>Reads, compares and exports every team's runs; writes only grading notes.</summary>
    public const string Grader = "grader";

    /// <summary>Not signed in: may only search published runs.</summary>
    public const string Anonymous = "anonymous";

    /// <summary>The roles an account can have.</summary>
    public static readonly IReadOnlyList<string> Assignable = [Admin, Member, Grader];
}

/// <summary>
/// Who asks: the identity every service call that reads or changes runs is made with. The web lab builds it from
/// the signed-in account (read from the store, not from the cookie's claims, so a changed role or a removed account
/// counts at once); the command line, which holds the data folder itself, acts as <see cref="DataFolderOwner"/>.
/// </summary>
public sealed record Caller(string? UserId, string Name, string Role, long? TeamId = null, string? TeamName = null)
{
    /// <summary>A visitor without an account.</summary>
    public static Caller Anonymous { get; } = new(null, "anonymous visitor", LabRoles.Anonymous);

    /// <summary>Whoever can open the data folder (the command line, a worker): an admin, since they could edit the database anyway.</summary>
    public static Caller DataFolderOwner { get; } = new(null, "the data folder's owner", LabRoles.Admin);

    public bool IsAdmin => Role == LabRoles.Admin;
    public bool IsGrader => Role == LabRoles.Grader;
    public bool IsMember => Role == LabRoles.Member;
    public bool IsSignedIn => Role != LabRoles.Anonymous;

    /// <summary>How messages name the caller: "ana (member of team red)", "gus (grader)".</summary>
    public override string ToString() => Role switch
    {
        LabRoles.Anonymous => Name,
        LabRoles.Member => $"{Name} (member of team {TeamName ?? TeamId?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "?"})",
        _ => $"{Name} ({Role})",
    };
}
