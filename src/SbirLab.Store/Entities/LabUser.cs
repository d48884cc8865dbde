using Microsoft.AspNetCore.Identity;
using SbirLab.Store.Accounts;

namespace SbirLab.Store.Entities;

/// <summary>
/// An account of the lab (ASP.NET Core Identity keeps its name, password hash and security stamp): one role, and for
/// a team member the team whose runs they queue and manage.
/// </summary>
public sealed class LabUser : IdentityUser
{
    /// <summary>The role as its lower-case name ("admin", "member", "grader").</summary>
    public string Role { get; set; } = LabRoles.Member;

    /// <summary>The member's team; null for admins and graders.</summary>
    public long? TeamId { get; set; }

    public Team? Team { get; set; }

    public DateTime CreatedAt { get; set; }
}
