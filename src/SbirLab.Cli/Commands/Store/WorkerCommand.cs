using System.CommandLine;
using System.Globalization;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using SbirLab.Core.Runs;
using SbirLab.Engine.Training;
using SbirLab.Runs;
using SbirLab.Store;
using Spectre.Console;

namespace SbirLab.Cli.Commands.Store;

/// <summary>
/// <c>sbirlab worker [--concurrency N] [--exit-when-idle] [--worker-id W] [--lease SECONDS]</c>: the hosted training service without the
/// web lab, for a headless GPU box. Ctrl+C (SIGTERM) stops the runs at the next step with a checkpoint
/// and leaves them interrupted, ready to resume.
/// </summary>
internal static class WorkerCommand
{
    public static Command Create()
    {
        var concurrency = new Option<int?>("--concurrency") { Description = "Runs trained at once (default: one per GPU, one on CPU)." };
        var exitWhenIdle = new Option<bool>("--exit-when-idle") { Description = "Leave when the queue is empty instead of waiting for more runs." };
        var workerId = new Option<string?>("--worker-id") { Description = "This worker's name in the store, unique among its workers (default: host:pid)." };
        var lease = new Option<double?>("--lease") { Description = $"Seconds a claim holds without a heartbeat (default: ${RunStore.LeaseVariable}, else 30); a run whose worker stops renewing is marked interrupted by any process." };
        var command = new Command("worker", "Train queued runs, first in first out, until stopped.") { concurrency, exitWhenIdle, workerId, lease };
        command.SetAction(async (result, token) =>
        {
            var options = new RunWorkerOptions
            {
                MaxConcurrentRuns = result.GetValue(concurrency),
                ExitWhenIdle = result.GetValue(exitWhenIdle),
                WorkerId = result.GetValue(workerId),
            };
            if (result.GetValue(lease) is { } seconds && seconds is < 0.2 or > 3600) return CliOutput.Error($"--lease {seconds}: seconds, 0.2 to 3600");
            StoreConnection connection;
            var data = StoreCommands.Data(result);
            try
            {
                connection = StoreCommands.Connection(result, data);
                _ = WorkerIdentity.Current.Named(options.WorkerId);
            }
            catch (ArgumentException e)
            {
                return CliOutput.Error(e.Message);
            }
            using var host = BuildHost(data, connection, options);
            if (result.GetValue(lease) is { } leaseSeconds) host.Services.GetRequiredService<RunStore>().LeaseDuration = TimeSpan.FromSeconds(leaseSeconds);
            AnsiConsole.MarkupLine($"worker {Markup.Escape(host.Services.GetRequiredService<RunService>().Worker.ToString())} on {Markup.Escape(data.Root)}, store {Markup.Escape(connection.Describe())}");
            await host.RunAsync(token);
            return 0;
        });
        return command;
    }

    private static IHost BuildHost(DataFolder data, StoreConnection connection, RunWorkerOptions options)
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { Args = [], ContentRootPath = AppContext.BaseDirectory });
        builder.Logging.ClearProviders();
        builder.Services.AddSbirLabRuns(data, options, connection);
        builder.Services.AddSingleton<IRunExecutor, EngineRunExecutor>();
        builder.Services.AddHostedService<WorkerConsole>();
        return builder.Build();
    }

    /// <summary>Prints one line per status change and per epoch, so a headless worker's log tells what it did.</summary>
    private sealed class WorkerConsole(RunService service) : BackgroundService
    {
        protected override async Task ExecuteAsync(CancellationToken stoppingToken)
        {
            try
            {
                await foreach (var runEvent in service.SubscribeAll(stoppingToken))
                {
                    string? line = runEvent switch
                    {
                        RunStatusChanged s => $"run {s.RunId}: {s.Status.Text()}" + (s.Message is null || s.Message == s.Status.Text() ? "" : $" ({s.Message})"),
                        RunStarted s => $"run {s.RunId}: training on {s.Start.Device} from step {s.Start.StartStep} of {s.Start.TotalSteps}",
                        RunEpochEvent e => $"run {e.RunId}: epoch {e.Metrics.Epoch + 1} " + string.Join(", ",
                            e.Metrics.Values.Select(kv => $"{kv.Key} {kv.Value.ToString("G4", CultureInfo.InvariantCulture)}")),
                        _ => null,
                    };
                    if (line is not null) Console.WriteLine($"{DateTime.Now:HH:mm:ss} {line}");
                }
            }
            catch (OperationCanceledException)
            {
                // the host is stopping
            }
        }
    }
}
