using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Mvc;
using SbirLab.Store.Accounts;
using SbirLab.Store.Entities;

namespace SbirLab.Web.Accounts;

/// <summary>Sign-out (a form POST with the antiforgery token, so another site cannot sign a user out).</summary>
public static class AccountEndpoints
{
    public const string LogoutPath = "/account/logout";

    public static IEndpointRouteBuilder MapAccountEndpoints(this IEndpointRouteBuilder app)
    {
        app.MapPost(LogoutPath, async (SignInManager<LabUser> signIn, [FromForm] string? returnUrl) =>
        {
            await signIn.SignOutAsync();
            return Results.LocalRedirect("~/login");
        }).AllowAnonymous();
        return app;
    }

    /// <summary>
    /// On a data folder without an admin, creates one, prints its password once and says where the owner-only copy is.
    /// </summary>
    public static async Task EnsureAdminAsync(IServiceProvider services, TextWriter output)
    {
        using var scope = services.CreateScope();
        var accounts = scope.ServiceProvider.GetRequiredService<AccountService>();
        if (await accounts.EnsureAdminAsync() is not { } password) return;
        var data = scope.ServiceProvider.GetRequiredService<SbirLab.Store.RunStore>().Data;
        output.WriteLine($"created the account '{AccountService.DefaultAdminName}' with password {password}");
        output.WriteLine($"  (shown once; also in {Path.Combine(data.Root, AccountService.AdminPasswordFile)}, readable by you only;"
            + " sign in, then change it under your name, or: sbirlab users set-password admin)");
        output.Flush();
    }
}
