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
/// <c>sbirlab worker [--concurrency N] [--exit-when-idle]</c>: the hosted training service without the
/// web lab, for a headless GPU box. Ctrl+C (SIGTERM) stops the runs at the next step with a checkpoint
/// and leaves them interrupted, ready to resume.
/// </summary>
internal static class WorkerCommand
{
    public static Command Create()
    {
        var concurrency = new Option<int?>("--concurrency") { Description = "Runs trained at once (default: one per GPU, one on CPU)." };
        var exitWhenIdle = new Option<bool>("--exit-when-idle") { Description = "Leave when the queue is empty instead of waiting for more runs." };
        var command = new Command("worker", "Train queued runs, first in first out, until stopped.") { concurrency, exitWhenIdle };
        command.SetAction(async (result, token) =>
        {
            var options = new RunWorkerOptions { MaxConcurrentRuns = result.GetValue(concurrency), ExitWhenIdle = result.GetValue(exitWhenIdle) };
            var data = StoreCommands.Data(result);
            var connection = StoreCommands.Connection(result, data);
            using var host = BuildHost(data, connection, options);
            AnsiConsole.MarkupLine($"worker {Markup.Escape(WorkerIdentity.Current.ToString())} on {Markup.Escape(data.Root)}, store {Markup.Escape(connection.Describe())}");
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
