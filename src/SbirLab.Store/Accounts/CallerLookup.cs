using Microsoft.EntityFrameworkCore;

namespace SbirLab.Store.Accounts;

/// <summary>The <see cref="Caller"/> of a signed-in account, read from the store at the moment it is asked for.</summary>
public sealed class CallerLookup(RunStore store)
{
    /// <summary>
    /// The account's caller; anonymous when the account no longer exists or its security stamp changed (a new password
    /// signs its old cookies out).
    /// </summary>
    public Caller For(string? userId, string? securityStamp)
    {
        if (userId is null) return Caller.Anonymous;
        using var db = store.CreateContext();
        var user = db.Users.AsNoTracking().Include(u => u.Team).FirstOrDefault(u => u.Id == userId);
        if (user is null || user.SecurityStamp != securityStamp) return Caller.Anonymous;
        return new Caller(user.Id, user.UserName ?? "", user.Role, user.TeamId, user.Team?.Name);
    }
}
