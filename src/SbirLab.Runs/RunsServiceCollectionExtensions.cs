using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using SbirLab.Core.Runs;
using SbirLab.Store;

namespace SbirLab.Runs;

/// <summary>Registers the run store, the run service and the hosted worker in a .NET host (web app or <c>sbirlab worker</c>).</summary>
public static class RunsServiceCollectionExtensions
{
    /// <summary>
    /// Adds <see cref="RunStore"/> (opened on <paramref name="data"/> and the database <paramref name="connection"/> names,
    /// else the data folder's SQLite file; migrations applied), <see cref="RunEventHub"/>, <see cref="RunService"/>,
    /// <see cref="SweepService"/>, the hosted <see cref="LeaseWatch"/> and, when <paramref name="worker"/> is given, the hosted <see cref="RunWorker"/>.
    /// The caller registers an <see cref="IRunExecutor"/> (the engine's trainer).
    /// </summary>
    public static IServiceCollection AddSbirLabRuns(this IServiceCollection services, DataFolder data, RunWorkerOptions? worker = null,
        StoreConnection? connection = null)
    {
        services.TryAddSingleton(_ => RunStore.Open(data, connection));
        services.TryAddSingleton<RunEventHub>();
        services.TryAddSingleton(sp => new RunService(sp.GetRequiredService<RunStore>(), sp.GetRequiredService<RunEventHub>())
        {
            Worker = WorkerIdentity.Current.Named(worker?.WorkerId),
        });
        services.TryAddSingleton(sp => new SweepService(sp.GetRequiredService<RunService>()));
        services.AddHostedService<LeaseWatch>();
        if (worker is not null)
        {
            services.AddSingleton(worker);
            services.AddHostedService<RunWorker>();
        }
        return services;
    }
}
