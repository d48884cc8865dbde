using System.Net;
using Microsoft.AspNetCore.HostFiltering;

namespace SbirLab.Web;

/// <summary>
/// What keeps a lab on a workstation from being driven by other sites: only the loopback names (plus the names
/// given with <c>--hosts</c>) are accepted as Host, which defeats DNS rebinding; a browser request from another
/// origin may not open the Blazor hub or change anything; and binding an address other machines reach says so.
/// </summary>
public static class NetworkHygiene
{
    /// <summary>The Host names accepted without configuration.</summary>
    public static readonly string[] LoopbackHosts = ["localhost", "127.0.0.1", "[::1]"];

    /// <summary>Where the reverse-proxy notes are.</summary>
    public const string ProxyNotes = "README.md, section 'Hosting: data roots, network, reverse proxy, budget'";

    /// <summary>
    /// The accepted Host names: <see cref="LoopbackHosts"/> and those of the <c>hosts</c> setting (<c>--hosts a;b</c>,
    /// or <c>AllowedHosts</c> when it names hosts; <c>*</c> there is ignored: the loopback default stands).
    /// </summary>
    public static string[] AllowedHosts(IConfiguration configuration) =>
        [.. LoopbackHosts, .. Split(configuration["hosts"]), .. Split(configuration["AllowedHosts"]).Where(h => h != "*")];

    /// <summary>Accepts only <see cref="AllowedHosts"/> as the request's Host (400 otherwise).</summary>
    public static void AddHostCheck(WebApplicationBuilder builder)
    {
        var hosts = AllowedHosts(builder.Configuration).Distinct(StringComparer.OrdinalIgnoreCase).ToList();
        builder.Services.Configure<HostFilteringOptions>(options =>
        {
            options.AllowedHosts = hosts;
            options.AllowEmptyHosts = false;
        });
    }

    /// <summary>
    /// Refuses (403) a browser request whose <c>Origin</c> is not this lab's own address when it opens the Blazor hub
    /// or uses a method that changes state. Requests without an Origin (command-line clients) are not browsers
    /// driven by another site and pass.
    /// </summary>
    public static IApplicationBuilder UseOriginCheck(this IApplicationBuilder app) => app.Use(async (context, next) =>
    {
        if (NeedsSameOrigin(context.Request) && !IsSameOrigin(context.Request))
        {
            context.Response.StatusCode = StatusCodes.Status403Forbidden;
            await context.Response.WriteAsJsonAsync(new { error = "requests from another site's page are refused (Origin does not match the lab's address)" });
            return;
        }
        await next();
    });

    /// <summary>The hub, and any method other than GET, HEAD and OPTIONS.</summary>
    public static bool NeedsSameOrigin(HttpRequest request) =>
        request.Path.StartsWithSegments("/_blazor") || !(HttpMethods.IsGet(request.Method) || HttpMethods.IsHead(request.Method) || HttpMethods.IsOptions(request.Method));

    /// <summary>True without an Origin header, or when its host and port are the request's Host.</summary>
    public static bool IsSameOrigin(HttpRequest request)
    {
        string? origin = request.Headers.Origin;
        if (string.IsNullOrEmpty(origin)) return true;
        if (!Uri.TryCreate(origin, UriKind.Absolute, out var uri)) return false; // "null" (a sandboxed or file page) included
        return string.Equals(uri.Authority, request.Host.Value, StringComparison.OrdinalIgnoreCase);
    }

    /// <summary>
    /// A warning for each address that other machines can reach: what the lab exposes there and how to put it behind
    /// HTTPS. Nothing for loopback addresses.
    /// </summary>
    public static void WarnIfExposed(IEnumerable<string> urls, TextWriter output)
    {
        foreach (var url in urls.Where(IsExposed))
        {
            output.WriteLine($"WARNING: {url} is reachable from other machines, over plain HTTP.");
            output.WriteLine("  Exposed there: every page, the Blazor hub and /api (runs and their controls, notes, exports, pictures, sketch search).");
            output.WriteLine("  Put the lab behind a reverse proxy that serves HTTPS (Caddy, nginx) and keep it on 127.0.0.1,");
            output.WriteLine($"  or add the public name with --hosts <name>; see {ProxyNotes}.");
        }
    }

    /// <summary>True when <paramref name="url"/> binds an address other than loopback (0.0.0.0, [::], *, a LAN address or a name).</summary>
    public static bool IsExposed(string url)
    {
        if (!Uri.TryCreate(url.Replace("://*", "://0.0.0.0", StringComparison.Ordinal).Replace("://+", "://0.0.0.0", StringComparison.Ordinal), UriKind.Absolute, out var uri))
            return true;
        if (uri.IsLoopback) return false;
        return !(IPAddress.TryParse(uri.Host.Trim('[', ']'), out var address) && IPAddress.IsLoopback(address));
    }

    private static IEnumerable<string> Split(string? list) =>
        (list ?? "").Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
}
