using System.Security.Cryptography;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using SbirLab.Store.Entities;

namespace SbirLab.Store.Accounts;

/// <summary>
/// ASP.NET Core Identity over the run store's database, for the web lab (which adds sign-in and cookies on top) and
/// for the command line's <c>users</c> commands: the same password rules and hashing in both.
/// </summary>
public static class LabIdentity
{
    /// <summary>The shortest password accepted (no other composition rules: length is what makes a password strong).</summary>
    public const int MinimumPasswordLength = 10;

    /// <summary>
    /// Adds Identity's user manager over <see cref="StoreDbContext"/> (one context per scope, from the registered
    /// <see cref="RunStore"/>) and <see cref="AccountService"/>.
    /// </summary>
    public static IdentityBuilder AddLabIdentityCore(this IServiceCollection services)
    {
        services.TryAddScoped(sp => sp.GetRequiredService<RunStore>().CreateContext());
        services.TryAddScoped<AccountService>();
        return services.AddIdentityCore<LabUser>(Configure).AddEntityFrameworkStores<StoreDbContext>();
    }

    public static void Configure(IdentityOptions options)
    {
        options.Password.RequiredLength = MinimumPasswordLength;
        options.Password.RequireDigit = false;
        options.Password.RequireLowercase = false;
        options.Password.RequireUppercase = false;
        options.Password.RequireNonAlphanumeric = false;
        options.Password.RequiredUniqueChars = 4;
        options.Lockout.AllowedForNewUsers = true;
        options.Lockout.MaxFailedAccessAttempts = 5;
        options.Lockout.DefaultLockoutTimeSpan = TimeSpan.FromMinutes(5);
        options.User.RequireUniqueEmail = false;
        options.SignIn.RequireConfirmedAccount = false;
    }

    /// <summary>The command line's services: logging, the store and Identity (no cookies, no sign-in).</summary>
    public static ServiceProvider CommandLineServices(RunStore store)
    {
        var services = new ServiceCollection();
        services.AddLogging();
        services.AddSingleton(store);
        services.AddLabIdentityCore();
        return services.BuildServiceProvider();
    }

    /// <summary>A random password of 20 characters (120 bits), letters and digits only so it survives copying.</summary>
    public static string RandomPassword()
    {
        const string alphabet = "ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz23456789";
        return RandomNumberGenerator.GetString(alphabet, 20);
    }
}
