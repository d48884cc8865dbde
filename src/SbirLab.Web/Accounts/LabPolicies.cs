using Microsoft.AspNetCore.Authorization;
using Microsoft.EntityFrameworkCore;
using SbirLab.Store;

namespace SbirLab.Web.Accounts;

/// <summary>The lab's authorization policies beside the fallback one (every endpoint needs a signed-in user).</summary>
public static class LabPolicies
{
    /// <summary>
    /// A signed-in user, or, while at least one run is published for sketch search, a visitor: the search page and
    /// the Blazor hub that page runs over. With nothing published, the hub takes signed-in users only.
    /// </summary>
    public const string SignedInOrPublicSearch = "signed-in-or-public-search";

    public static void Add(AuthorizationOptions options)
    {
        options.FallbackPolicy = new AuthorizationPolicyBuilder().RequireAuthenticatedUser().Build();
        options.AddPolicy(SignedInOrPublicSearch, policy => policy.AddRequirements(new SignedInOrPublicSearchRequirement()));
    }
}

/// <summary>See <see cref="LabPolicies.SignedInOrPublicSearch"/>.</summary>
public sealed class SignedInOrPublicSearchRequirement : IAuthorizationRequirement;

/// <summary>Grants <see cref="SignedInOrPublicSearchRequirement"/> to a signed-in user, or to anyone while a run is published.</summary>
public sealed class SignedInOrPublicSearchHandler(RunStore store) : AuthorizationHandler<SignedInOrPublicSearchRequirement>
{
    protected override Task HandleRequirementAsync(AuthorizationHandlerContext context, SignedInOrPublicSearchRequirement requirement)
    {
        if (context.User.Identity?.IsAuthenticated == true || AnyPublished()) context.Succeed(requirement);
        return Task.CompletedTask;
    }

    private bool AnyPublished()
    {
        using var db = store.CreateContext();
        return db.Runs.AsNoTracking().Any(r => r.PublishedAt != null);
    }
}
