using System.Globalization;
using SbirLab.Core.Runs;
using SbirLab.Engine.Training;
using Spectre.Console;

namespace SbirLab.Cli.Commands;

/// <summary>
/// Shows a run's progress on the terminal: a bar with loss, learning rate, items/s and ETA, and a line
/// per epoch. Training runs on a worker thread; the bar is redrawn from the latest figures.
/// </summary>
internal sealed class ConsoleProgress : ITrainingObserver
{
    private volatile StepMetrics? _lastStep;
    private RunStart? _start;

    public void OnStart(RunStart start)
    {
        _start = start;
        AnsiConsole.MarkupLine($"[grey]device[/] {Markup.Escape(start.Device)}  [grey]data[/] {Markup.Escape(start.Data)}");
        if (start.StartStep > 0) AnsiConsole.MarkupLine($"[yellow]resuming[/] at step {start.StartStep} (epoch {start.StartEpoch + 1})");
    }

    public void OnStep(StepMetrics step) => _lastStep = step;

    public void OnEpoch(EpochMetrics epoch)
    {
        var figures = string.Join("  ", epoch.Values.Where(kv => kv.Key != "items_per_s").Select(kv => $"{kv.Key} {kv.Value.ToString("G4", CultureInfo.InvariantCulture)}"));
        AnsiConsole.MarkupLine($"[green]epoch {epoch.Epoch + 1}[/] {Markup.Escape(figures)}");
    }

    public void OnLog(string line)
    {
        if (line.StartsWith("error", StringComparison.Ordinal) || line.Contains("backbone", StringComparison.Ordinal) || line.StartsWith("initialised", StringComparison.Ordinal))
            AnsiConsole.MarkupLine($"[grey]{Markup.Escape(line)}[/]");
    }

    /// <summary>Runs <paramref name="work"/> on a worker thread while drawing the bar.</summary>
    public async Task<RunOutcome> RunWithBar(Func<RunOutcome> work)
    {
        var training = Task.Factory.StartNew(work, TaskCreationOptions.LongRunning);
        await AnsiConsole.Progress()
            .AutoClear(false)
            .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new RemainingTimeColumn(), new SpinnerColumn())
            .StartAsync(async context =>
            {
                var bar = context.AddTask("starting", maxValue: 1);
                while (!training.IsCompleted)
                {
                    Update(bar);
                    await Task.WhenAny(training, Task.Delay(250));
                }
                Update(bar);
                bar.StopTask();
            });
        return await training;
    }

    private void Update(ProgressTask bar)
    {
        if (_start is null) return;
        bar.MaxValue = Math.Max(1, _start.TotalSteps);
        if (_lastStep is not { } step) return;
        bar.Value = Math.Min(bar.MaxValue, step.Step + 1);
        double Get(string name) => step.Values.TryGetValue(name, out var v) ? v : double.NaN;
        bar.Description = string.Create(CultureInfo.InvariantCulture,
            $"epoch {step.Epoch + 1}/{_start.Epochs} loss {Get("loss"):F4} lr {Get("lr"):G3} {Get("items_per_s"):F0} items/s");
    }
}
