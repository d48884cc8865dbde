using System.Security.Claims;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.Options;
using SbirLab.Store.Accounts;

namespace SbirLab.Web.Accounts;

/// <summary>
/// The <see cref="Caller"/> of a request or a Blazor circuit: the account named by the sign-in cookie, looked up in the
/// store now (role, team, and whether its security stamp still matches), else <see cref="Caller.Anonymous"/>.
/// </summary>
public sealed class CallerResolver(CallerLookup lookup, IOptions<IdentityOptions> identity)
{
    public Caller For(ClaimsPrincipal? user)
    {
        if (user?.Identity?.IsAuthenticated != true) return Caller.Anonymous;
        var claims = identity.Value.ClaimsIdentity;
        return lookup.For(user.FindFirstValue(claims.UserIdClaimType), user.FindFirstValue(claims.SecurityStampClaimType));
    }
}
