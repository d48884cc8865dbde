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
/// <c>sbirlab worker [--devices cuda:0,cuda:1 | cpu] [--queue NAME] [--concurrency N] [--exit-when-idle] [--worker-id W] [--lease SECONDS]</c>:
/// the hosted training service without the web lab, for a headless GPU box: one run at a time per device, pinned to it. Ctrl+C (SIGTERM) stops the runs at the next step with a checkpoint
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
        var devices = new Option<string?>("--devices") { Description = "Devices offered, one run at a time on each, pinned to it: cuda:0,cuda:1 or cpu (cpu,cpu: two CPU runs at once). Default: every GPU torch sees, else one CPU slot (--concurrency N: N)." };
        var queues = new Option<string[]>("--queue") { Description = $"Queue served (repeat, or comma-separate, for several); a run waits in its config's queue. Default: {Placement.DefaultQueue}.", AllowMultipleArgumentsPerToken = false };
        var command = new Command("worker", "Train queued runs, first in first out, until stopped.") { concurrency, exitWhenIdle, workerId, lease, devices, queues };
        command.SetAction(async (result, token) =>
        {
            var options = new RunWorkerOptions
            {
                MaxConcurrentRuns = result.GetValue(concurrency),
                ExitWhenIdle = result.GetValue(exitWhenIdle),
                WorkerId = result.GetValue(workerId),
            };
            if (result.GetValue(lease) is { } seconds && seconds is < 0.2 or > 3600) return CliOutput.Error($"--lease {seconds}: seconds, 0.2 to 3600");
            try
            {
                options = options with { Devices = Devices(result.GetValue(devices), options.MaxConcurrentRuns), Queues = Queues(result.GetValue(queues)) };
            }
            catch (ArgumentException e)
            {
                return CliOutput.Error(e.Message);
            }
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
            var offer = host.Services.GetServices<IHostedService>().OfType<RunWorker>().Single();
            AnsiConsole.MarkupLine($"worker {Markup.Escape(host.Services.GetRequiredService<RunService>().Worker.ToString())} on {Markup.Escape(data.Root)}{(data.ArtifactsRoot == data.Root ? "" : $", artifacts {Markup.Escape(data.ArtifactsRoot)}")}, store {Markup.Escape(connection.Describe())}, "
                + $"devices {string.Join(",", offer.Devices)}, queue {Markup.Escape(string.Join(",", offer.Queues))}");
            await host.RunAsync(token);
            return 0;
        });
        return command;
    }

    /// <summary>The parsed <c>--devices</c>, checked against the CUDA devices torch sees here; null when not given.</summary>
    /// <exception cref="ArgumentException">A device that is not one, a GPU named twice, a CUDA device this machine lacks, or --concurrency besides.</exception>
    private static IReadOnlyList<WorkerDevice>? Devices(string? text, int? concurrency)
    {
        if (string.IsNullOrWhiteSpace(text)) return null;
        if (concurrency is not null)
            throw new ArgumentException($"--devices {text} and --concurrency {concurrency}: give one (--devices cpu,cpu trains two runs at once on the CPU)");
        var devices = WorkerDevice.ParseList(text);
        if (devices.Any(d => d.Kind == DeviceKind.Cuda) && WorkerDevice.Refusal(devices, new EngineRunExecutor().GpuCount) is { } refusal)
            throw new ArgumentException(refusal);
        return devices;
    }

    /// <summary>The queues of <c>--queue</c> (repeated or comma-separated), each a valid name; null when not given.</summary>
    private static IReadOnlyList<string>? Queues(string[]? values)
    {
        var names = (values ?? []).SelectMany(v => v.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries)).Distinct().ToList();
        foreach (var name in names)
            if (!Placement.IsQueueName(name)) throw new ArgumentException($"--queue {name}: {Placement.QueueNameRule}");
        return names.Count == 0 ? null : names;
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
