using MudBlazor.Services;
using SbirLab.Engine.Training;
using SbirLab.Runs;
using SbirLab.Store;
using SbirLab.Web.Components;
using SbirLab.Web.Endpoints;
using SbirLab.Web.Services;
using SbirLab.Core.Runs;

namespace SbirLab.Web;

/// <summary>
/// Builds the web lab's host: Blazor Server with MudBlazor, the run store and run service of the data
/// folder, the in-process training worker and the file endpoints. Program.cs and the end-to-end tests
/// both start the lab through here.
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
        // Serves the packages' files (MudBlazor, Plotly) from a build folder in any environment, not only Development.
        builder.WebHost.UseStaticWebAssets();
        builder.Services.AddRazorComponents().AddInteractiveServerComponents();
        builder.Services.AddLabServices(LabSettings.From(builder.Configuration));

        var app = builder.Build();
        app.UseAntiforgery();
        app.MapStaticAssets();
        app.MapLabEndpoints();
        app.MapSketchSearch();
        app.MapRazorComponents<App>().AddInteractiveServerRenderMode();
        return app;
    }

    /// <summary>The lab's services: MudBlazor, store, run service, worker, templates and the UI's read models.</summary>
    public static IServiceCollection AddLabServices(this IServiceCollection services, LabSettings settings)
    {
        services.AddMudServices();
        services.AddSingleton(settings);
        services.AddSingleton<IRunExecutor, EngineRunExecutor>();
        services.AddSbirLabRuns(settings.Data, settings.RunWorker ? new RunWorkerOptions() : null);
        services.AddSingleton<TemplateCatalog>();
        services.AddSingleton<RunReader>();
        services.AddSingleton<LiveRunFeeds>();
        services.AddSingleton<GalleryImages>();
        services.AddSingleton(sp => new RunExporter(sp.GetRequiredService<RunStore>()));
        services.AddSingleton<RunAnnotations>();
        services.AddSingleton<CompareLoader>();
        services.AddSingleton<EmbeddingMaps>();
        services.AddScoped<ChartScript>();
        services.AddSingleton<SearchService>();
        services.AddHostedService<MemoryTrimmer>();
        return services;
    }

    /// <summary>Prints the addresses the lab listens on (the actual port when it was 0).</summary>
    public static void PrintAddresses(WebApplication app, TextWriter output)
    {
        var settings = app.Services.GetRequiredService<LabSettings>();
        foreach (var url in app.Urls) output.WriteLine($"SbirLab web lab listening on {url}");
        output.WriteLine($"data folder: {settings.Data.Root}");
        output.Flush();
    }
}
