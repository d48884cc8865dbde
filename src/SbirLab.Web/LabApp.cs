using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Routing;
using MudBlazor.Services;
using SbirLab.Core.Runs;
using SbirLab.Engine.Training;
using SbirLab.Runs;
using SbirLab.Runs.Reports;
using SbirLab.Store;
using SbirLab.Store.Accounts;
using SbirLab.Web.Accounts;
using SbirLab.Web.Components;
using SbirLab.Web.Endpoints;
using SbirLab.Web.Services;

namespace SbirLab.Web;

/// <summary>
/// Builds the web lab's host: Blazor Server with MudBlazor, the run store and run service of the data
/// folder, the in-process training worker and the file endpoints, behind accounts (ASP.NET Core Identity, cookie
/// sign-in): every page, the Blazor hub and every /api endpoint need a signed-in user, except the login page and the
/// sketch search of published runs. Program.cs and the end-to-end tests both start the lab through here; on a data
/// folder without an admin it creates one and prints the password once.
/// </summary>
public static class LabApp
{
    /// <summary>Where the lab listens when neither --urls nor ASPNETCORE_URLS names an address.</summary>
    public const string DefaultUrl = "http://127.0.0.1:5080";

    public static WebApplication Build(string[] args)
    {
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions
        {
            Args = args,
            ApplicationName = typeof(LabApp).Assembly.GetName().Name,
            ContentRootPath = AppContext.BaseDirectory,
        });
        if (string.IsNullOrWhiteSpace(builder.Configuration["urls"])) builder.WebHost.UseUrls(DefaultUrl);
        NetworkHygiene.AddHostCheck(builder);
        // The signing keys are not encrypted at rest: the keys folder is readable by the lab's owner only (KeysFolder).
        builder.Logging.AddFilter("Microsoft.AspNetCore.DataProtection.KeyManagement.XmlKeyManager", LogLevel.Error);
        // Serves the packages' files (MudBlazor, Plotly) from a build folder in any environment, not only Development.
        builder.WebHost.UseStaticWebAssets();
        builder.Services.AddRazorComponents().AddInteractiveServerComponents();
        builder.Services.AddProblemDetails(); // the API's errors are RFC 7807 problem details (Endpoints/ApiProblems)
        var settings = LabSettings.From(builder.Configuration);
        builder.Services.AddLabServices(settings);
        builder.Services.AddLabAccounts(settings);

        var app = builder.Build();
        AccountEndpoints.EnsureAdminAsync(app.Services, Console.Out).GetAwaiter().GetResult();
        app.Services.GetRequiredService<RunService>().FollowOtherProcesses(); // PostgreSQL: the runs table moves for workers elsewhere
        // The runs table's page query is what every first page asks for: EF Core compiles it while the lab starts, not on a visit.
        app.Lifetime.ApplicationStarted.Register(() => _ = Task.Run(() => WarmRunsQuery(app.Services)));
        app.UseOriginCheck();
        app.UseBrowserAssets();
        app.UseAuthentication();
        app.UseAuthorization();
        app.UseRateLimiter();
        app.UseAntiforgery();
        app.MapStaticAssets().AllowAnonymous(); // styles and scripts; the login page needs them
        app.MapAccountEndpoints();
        app.MapLabEndpoints();
        app.MapSketchSearch();
        app.MapRazorComponents<App>().AddInteractiveServerRenderMode().Add(GuardTheHub);
        return app;
    }

    private static void WarmRunsQuery(IServiceProvider services)
    {
        try { services.GetRequiredService<RunReader>().Page(Caller.DataFolderOwner, new RunTableState().Query()); }
        catch (Exception e) when (e is System.Data.Common.DbException or InvalidOperationException)
        {
            // a store not reachable now: the first visit compiles the query instead
        }
    }

    /// <summary>
    /// The Blazor hub takes signed-in users, and visitors only while some run is published (the search page is
    /// the one page they may open; every other page asks for a sign-in, and every service checks the caller).
    /// </summary>
    private static void GuardTheHub(EndpointBuilder endpoint)
    {
        if (endpoint is RouteEndpointBuilder route && route.RoutePattern.RawText?.TrimStart('/').StartsWith("_blazor", StringComparison.Ordinal) == true)
            endpoint.Metadata.Add(new AuthorizeAttribute(LabPolicies.SignedInOrPublicSearch));
    }

    /// <summary>
    /// Accounts: Identity over the store, the sign-in cookie (HttpOnly, SameSite=Lax, 12 hours sliding; /api and the
    /// hub answer 401/403 instead of redirecting), data-protection keys in the data folder (mode 700), the
    /// authorization policies, the caller of a request or circuit, and the public search's rate limits.
    /// </summary>
    public static IServiceCollection AddLabAccounts(this IServiceCollection services, LabSettings settings)
    {
        services.AddCascadingAuthenticationState();
        services.AddLabIdentityCore().AddSignInManager();
        services.AddAuthentication(options =>
        {
            options.DefaultScheme = IdentityConstants.ApplicationScheme;
            options.DefaultSignInScheme = IdentityConstants.ExternalScheme;
        }).AddIdentityCookies();
        services.ConfigureApplicationCookie(options =>
        {
            options.Cookie.Name = "sbirlab.auth";
            options.Cookie.HttpOnly = true;
            options.Cookie.SameSite = SameSiteMode.Lax;
            options.LoginPath = "/login";
            options.AccessDeniedPath = "/login";
            options.ExpireTimeSpan = TimeSpan.FromHours(12);
            options.SlidingExpiration = true;
            options.Events.OnRedirectToLogin = context => Refuse(context, StatusCodes.Status401Unauthorized);
            options.Events.OnRedirectToAccessDenied = context => Refuse(context, StatusCodes.Status403Forbidden);
        });
        services.AddDataProtection().PersistKeysToFileSystem(KeysFolder(settings.Data)).SetApplicationName("SbirLab");
        services.AddAuthorization(LabPolicies.Add);
        services.AddSingleton<IAuthorizationHandler, SignedInOrPublicSearchHandler>();
        services.AddSingleton<CallerLookup>();
        services.AddSingleton<CallerResolver>();
        services.AddLabRateLimits(settings);
        return services;
    }

    /// <summary>Programs (the API, the hub) get a status code; a browser asking for a page is sent to the login page.</summary>
    private static Task Refuse(Microsoft.AspNetCore.Authentication.RedirectContext<CookieAuthenticationOptions> context, int status)
    {
        var path = context.Request.Path;
        if (path.StartsWithSegments("/api") || path.StartsWithSegments("/_blazor")) context.Response.StatusCode = status;
        else context.Response.Redirect(context.RedirectUri);
        return Task.CompletedTask;
    }

    /// <summary>The folder of the cookie-signing keys, readable by the owner only: whoever reads them can forge sign-ins.</summary>
    private static DirectoryInfo KeysFolder(DataFolder data)
    {
        string path = Path.Combine(data.Create().Root, "keys");
        if (OperatingSystem.IsWindows()) return Directory.CreateDirectory(path);
        return Directory.CreateDirectory(path, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
    }

    /// <summary>The lab's services: MudBlazor, store, run service, worker, templates and the UI's read models.</summary>
    public static IServiceCollection AddLabServices(this IServiceCollection services, LabSettings settings)
    {
        services.AddMudServices();
        services.AddSingleton(settings);
        services.AddSingleton(_ => RunStore.Open(settings.Data, settings.Connection).WithAccess(new AccessPolicy(settings.MembersReadAllTeams)));
        services.AddSingleton<IRunExecutor, EngineRunExecutor>();
        services.AddSbirLabRuns(settings.Data, settings.RunWorker ? new RunWorkerOptions() : null, settings.Connection);
        services.AddSingleton<TemplateCatalog>();
        services.AddSingleton<RunReader>();
        services.AddSingleton<LiveRunFeeds>();
        services.AddSingleton(sp => new OpenRuns(sp.GetRequiredService<RunStore>()));
        services.AddSingleton(sp => new RunExporter(sp.GetRequiredService<RunStore>()));
        services.AddSingleton(sp => new ReportService(sp.GetRequiredService<RunStore>(), new SbirLab.Engine.Reports.AssignmentReport()));
        services.AddSingleton<RunAnnotations>();
        services.AddSingleton<CompareLoader>();
        services.AddSingleton<EmbeddingMaps>();
        services.AddScoped<ChartScript>();
        services.AddSingleton<SearchService>();
        services.AddHostedService<MemoryTrimmer>();
        services.AddSingleton<DatabaseWatch>();
        services.AddHostedService(sp => sp.GetRequiredService<DatabaseWatch>());
        return services;
    }

    /// <summary>Prints the addresses the lab listens on (the actual port when it was 0).</summary>
    public static void PrintAddresses(WebApplication app, TextWriter output)
    {
        var settings = app.Services.GetRequiredService<LabSettings>();
        foreach (var url in app.Urls) output.WriteLine($"SbirLab web lab listening on {url}");
        output.WriteLine($"data folder: {settings.Data.Root}");
        if (settings.Data.ArtifactsRoot != settings.Data.Root) output.WriteLine($"artifacts: {settings.Data.ArtifactsRoot}");
        output.WriteLine($"store: {settings.Connection.Describe()}");
        NetworkHygiene.WarnIfExposed(app.Urls, output);
        foreach (var warning in app.Services.GetRequiredService<RunStore>().Identity.StartWarnings) output.WriteLine("WARNING: " + warning);
        output.Flush();
    }
}
