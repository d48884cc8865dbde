using System.Threading.RateLimiting;
using Microsoft.AspNetCore.RateLimiting;
using SbirLab.Web.Services;

namespace SbirLab.Web.Accounts;

/// <summary>
/// Rate limits of the public sketch search (ASP.NET Core's rate limiter): a visitor without an account gets a token
/// bucket per client address, <see cref="LabSettings.PublicSearchBurst"/> searches at once, refilled by a sixth of
/// that a second, and ten times as many gallery photos; signed-in users are not limited. Refused requests are
/// answered 429 with the error as JSON.
/// </summary>
public static class LabRateLimits
{
    public const string Search = "public-search";
    public const string Gallery = "public-gallery";

    public static IServiceCollection AddLabRateLimits(this IServiceCollection services, LabSettings settings)
    {
        int burst = Math.Max(1, settings.PublicSearchBurst);
        services.AddRateLimiter(options =>
        {
            options.RejectionStatusCode = StatusCodes.Status429TooManyRequests;
            options.OnRejected = async (context, token) =>
            {
                context.HttpContext.Response.ContentType = "application/json";
                await context.HttpContext.Response.WriteAsync(
                    "{\"error\":\"too many searches from this address; wait a few seconds (signed-in users are not limited)\"}", token);
            };
            options.AddPolicy(Search, http => PerVisitor(http, burst));
            options.AddPolicy(Gallery, http => PerVisitor(http, burst * 10));
        });
        return services;
    }

    private static RateLimitPartition<string> PerVisitor(HttpContext http, int burst)
    {
        if (http.User.Identity?.IsAuthenticated == true) return RateLimitPartition.GetNoLimiter("signed-in");
        string address = http.Connection.RemoteIpAddress?.ToString() ?? "unknown";
        return RateLimitPartition.GetTokenBucketLimiter(address, _ => new TokenBucketRateLimiterOptions
        {
            TokenLimit = burst,
            TokensPerPeriod = Math.Max(1, burst / 6),
            ReplenishmentPeriod = TimeSpan.FromSeconds(1),
            QueueLimit = 0,
            AutoReplenishment = true,
        });
    }
}
