using System.Diagnostics;
using SbirLab.Core.Configs;
using SbirLab.Core.Runs;
using SbirLab.Engine.Datasets;
using SbirLab.Engine.Datasets.Folders;
using SbirLab.Engine.Models;
using SbirLab.Engine.Samplers;
using TorchSharp;
using static TorchSharp.torch;

namespace SbirLab.Engine.Training;

/// <summary>
/// Trains one run: the epoch loop with one dispose scope per step, a checkpoint every epoch and on
/// stop, retrieval evaluation on schedule, divergence detection, and the final report. Everything
/// random is derived from the config's seed and the step, so resuming continues exactly.
/// </summary>
public sealed class Trainer : IDisposable
{
    private readonly RunConfig _config;
    private readonly RunFolder _folder;
    private readonly ITrainingObserver _observer;
    private readonly Device _device;
    private readonly DataBundle _data;
    private readonly SiameseNetwork _model;
    private readonly Optimizer _optimizer;
    private readonly Objective _objective;
    private readonly IBatchSampler _sampler;
    private readonly LearningRateSchedule _schedule;
    private readonly RunEvaluator _evaluator;
    private readonly TrainingHistory _history;

    private Trainer(RunConfig config, RunFolder folder, ITrainingObserver observer, TrainingHistory history)
    {
        _history = history;
        _config = config;
        _folder = folder;
        _observer = observer;
        _device = TorchRuntime.Resolve(config.Device);
        _data = DataBundles.Load(config, observer.OnLog);
        lock (TorchRuntime.GlobalRandomLock)
        {
            // Initial weights come from torch's process-wide generator: seed it and draw under one lock,
            // so runs started together in one process (the web lab's service) cannot interleave draws.
            torch.manual_seed(config.Seed);
            _model = ModelFactory.Create(config, _data.TrainClasses, observer.OnLog);
        }
        _model.to(_device);
        _optimizer = new Optimizer(_model.named_parameters(), config.Optimizer);
        _objective = new Objective(config, _device);
        _sampler = SamplerFactory.Create(config, _data.Train);
        if (_sampler.BatchesPerEpoch == 0) // a run would "complete" without one step
        {
            Dispose();
            throw new ConfigException([new ConfigError("batch.size", config.Batch.Size.ToString(System.Globalization.CultureInfo.InvariantCulture),
                $"a batch of at most the {_data.Train.Count} training images of this data set")]);
        }
        int stepsPerEpoch = StepsPerEpoch;
        _schedule = LearningRateSchedule.For(config, stepsPerEpoch);
        _evaluator = new RunEvaluator(config, _data.Evaluation, _device, _data.Description);
    }

    private int StepsPerEpoch => EpochSteps.Capped(_config.Training, _sampler.BatchesPerEpoch);

    /// <summary>
    /// Trains a run to the end, until <paramref name="stop"/> fires, or until the loss diverges. The run folder gets the
    /// artifacts (checkpoints, pictures, gallery index); the history (provenance, metrics, log, evaluation and maps)
    /// goes to <paramref name="observer"/> only (the store keeps it). The config was checked at the start of execution
    /// (<see cref="ConfigValidator.ForStart"/>): the trainer and the factories it calls take it as valid.
    /// </summary>
    public static RunOutcome Run(ValidatedConfig validated, RunFolder folder, ITrainingObserver observer, CheckpointInfo? resumeFrom, CancellationToken stop)
    {
        var config = validated.Config;
        folder.Create();
        var history = new TrainingHistory();
        observer = new CompositeObserver(observer, history);
        try
        {
            using var trainer = new Trainer(config, folder, observer, history);
            return trainer.Train(resumeFrom, stop);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            var outcome = new RunOutcome(RunStatus.Failed, e.Message, 0, 0, null);
            observer.OnLog("error: " + e);
            observer.OnLog($"finished: failed after 0 steps: {e.Message}");
            observer.OnFinish(outcome);
            return outcome;
        }
    }

    private static readonly Imaging.TrainAugmenter Augmenter = new();

    private RunOutcome Train(CheckpointInfo? resumeFrom, CancellationToken stop)
    {
        var position = resumeFrom is null ? new CheckpointInfo("", 0, 0, 0) : Checkpoints.Restore(resumeFrom.Path, _model, _optimizer, _device);
        var start = new RunStart(TorchRuntime.Describe(_device), position.Epoch, position.Step, _config.Training.Epochs,
            StepsPerEpoch, _schedule.TotalSteps, BatchSize, _data.Description)
        { Provenance = Provenance.Capture(_config.Seed, _device) };
        _observer.OnStart(start);
        _history.Begin(start, position.Step > 0 || position.Epoch > 0 ? _observer.HistoryBefore(start) : null);
        _observer.OnLog($"start: device {start.Device}, epoch {start.StartEpoch + 1}/{start.Epochs}, step {start.StartStep}/{start.TotalSteps}; {start.Data}");
        var state = new LoopState(position.Step);
        CheckpointInfo? last = resumeFrom;
        NativeAllocator.ReleaseSetupGarbage();
        for (int epoch = position.Epoch; epoch < _config.Training.Epochs; epoch++)
        {
            int skip = epoch == position.Epoch ? position.BatchInEpoch : 0;
            var status = TrainEpoch(epoch, skip, skip > 0 ? position.Progress : null, state, stop);
            if (status == RunStatus.Diverged) return Finish(RunStatus.Diverged, DivergedMessage(state), state.Step, epoch, last);
            if (status == RunStatus.Stopped)
            {
                last = Save(epoch, state.BatchInEpoch, state.Step, state.Snapshot());
                return Finish(RunStatus.Stopped, $"stopped at step {state.Step}", state.Step, epoch, last);
            }
            EndEpoch(epoch, state); // figures first: a checkpoint then marks an epoch whose figures are all written
            last = Save(epoch + 1, 0, state.Step);
        }
        _evaluator.WriteFinalReport(_model, _folder, _observer, _history.Snapshot());
        return Finish(RunStatus.Completed, "completed", state.Step, _config.Training.Epochs, last);
    }

    private static string DivergedMessage(LoopState state) =>
        $"loss became {(float.IsNaN(state.LastLoss) ? "NaN" : state.LastLoss > 0 ? "+infinity" : "-infinity")} at step {state.Step}";

    private int BatchSize => _sampler is PkSampler pk ? pk.BatchSize : _config.Batch.Sampler == SamplerKind.Pairs ? 2 * _config.Batch.Size : _config.Batch.Size;

    private RunStatus TrainEpoch(int epoch, int skip, EpochProgress? resumed, LoopState state, CancellationToken stop)
    {
        SetTrainMode();
        state.StartEpoch(resumed);
        state.BatchInEpoch = skip;
        var batches = _sampler.Epoch(epoch).Take(StepsPerEpoch).Skip(skip).ToList();
        foreach (var batch in PreparedBatches(batches, state.Step))
        {
            if (stop.IsCancellationRequested) return RunStatus.Stopped;
            if (!TrainStep(batch, epoch, state)) return RunStatus.Diverged;
            NativeAllocator.ReleaseStepGarbage();
            state.BatchInEpoch++;
        }
        return RunStatus.Running;
    }

    /// <summary>A batch read and augmented ahead of its step, as bytes: its tensor is made by the step's own thread.</summary>
    private sealed record PreparedBatch(int[] Indices, byte[] Pixels);

    /// <summary>
    /// The epoch's batches, prepared on <c>data.workers</c> background threads (none: on this thread) so the
    /// model does not wait for data. Each batch's augmentation draws from a random source seeded by its
    /// step, so the order of preparation never changes what is trained.
    /// </summary>
    private IEnumerable<PreparedBatch> PreparedBatches(List<int[]> batches, long firstStep)
    {
        PreparedBatch Prepare(int number, int[] indices, CancellationToken _)
        {
            var augmentation = _config.Data.Augment ? new Augmentation(Augmenter, new Random(StableSeed.Derive(_config.Seed, firstStep + number))) : null;
            return new PreparedBatch(indices, _data.Train.BatchPixels(indices, augmentation));
        }
        if (_config.Data.Workers == 0)
        {
            for (int i = 0; i < batches.Count; i++) yield return Prepare(i, batches[i], CancellationToken.None);
            yield break;
        }
        // The stop is honoured between steps (with a checkpoint), not by cancelling the prefetcher mid-batch.
        using var prefetcher = new BatchPrefetcher<PreparedBatch>(batches, Prepare, depth: _config.Data.Workers + 1);
        foreach (var batch in prefetcher.Consume()) yield return batch;
    }

    /// <summary>One optimisation step; its figures (loss parts, accuracy, active share) are read in one host sync.</summary>
    private bool TrainStep(PreparedBatch prepared, int epoch, LoopState state)
    {
        var watch = Stopwatch.StartNew();
        using var scope = NewDisposeScope();
        var batch = prepared.Indices;
        var images = _data.Train.ToTensor(prepared.Pixels).to(_device);
        var labels = tensor(batch.Select(i => _data.Train.Labels[i]).ToArray(), device: _device);
        var domains = batch.Select(i => _data.Train.Domains[i]).ToArray();
        double rate = _schedule.At(state.Step);
        _optimizer.ZeroGrad();
        var loss = _objective.Compute(_model, images, labels, domains, state.Step);
        var figures = StepFigures.Read(loss.Figures);
        state.LastLoss = (float)figures.Total;
        if (!double.IsFinite(figures.Total)) return false;
        loss.Total.backward();
        _optimizer.Step(rate);
        state.Record(figures, batch.Length, watch.Elapsed.TotalSeconds);
        if (state.Step % _config.Training.LogEvery == 0)
            _observer.OnStep(new StepMetrics(state.Step, epoch, StepValues(figures, rate, batch.Length / watch.Elapsed.TotalSeconds)));
        state.Step++;
        return true;
    }

    private static Dictionary<string, double> StepValues(StepFigures figures, double rate, double itemsPerSecond)
    {
        var values = new Dictionary<string, double> { ["loss"] = figures.Total, ["lr"] = rate, ["items_per_s"] = itemsPerSecond };
        if (!double.IsNaN(figures.Embedding)) values["loss_embedding"] = figures.Embedding;
        if (!double.IsNaN(figures.CrossEntropy)) values["loss_ce"] = figures.CrossEntropy;
        if (!double.IsNaN(figures.Accuracy)) values["accuracy"] = figures.Accuracy;
        if (!double.IsNaN(figures.ActiveFraction)) values["active_fraction"] = figures.ActiveFraction;
        return values;
    }

    private void EndEpoch(int epoch, LoopState state)
    {
        var values = state.EpochMeans();
        bool due = _config.Training.EvaluateEvery > 0 && (epoch + 1) % _config.Training.EvaluateEvery == 0;
        if (due || epoch + 1 == _config.Training.Epochs)
        {
            foreach (var (name, value) in _evaluator.Summary(_model)) values[name] = value;
            SetTrainMode();
            NativeAllocator.ReleaseSetupGarbage();
        }
        _observer.OnEpoch(new EpochMetrics(epoch, state.Step, values));
        _observer.OnLog($"epoch {epoch + 1}/{_config.Training.Epochs}: " + string.Join(", ", values.Select(kv => $"{kv.Key} {kv.Value:G4}")));
    }

    private void SetTrainMode()
    {
        _model.train();
        if (_config.Training.FreezeBatchNorm) BatchNormFreezer.Freeze(_model);
    }

    private CheckpointInfo Save(int epoch, int batchInEpoch, long step, EpochProgress? progress = null)
    {
        var info = Checkpoints.Save(_folder, _model, _optimizer, epoch, batchInEpoch, step, _config, progress);
        _observer.OnCheckpoint(info);
        return info;
    }

    private RunOutcome Finish(RunStatus status, string message, long steps, int epochs, CheckpointInfo? last)
    {
        var outcome = new RunOutcome(status, message, steps, epochs, last);
        _observer.OnLog($"finished: {status.ToString().ToLowerInvariant()} after {steps} steps: {message}");
        _observer.OnFinish(outcome);
        return outcome;
    }

    public void Dispose()
    {
        _optimizer.Dispose();
        _model.Dispose();
        _data.Dispose();
    }

    /// <summary>Running sums of one epoch and the global step counter.</summary>
    private sealed class LoopState(long step)
    {
        private double _loss, _embedding, _ce, _accuracy, _seconds;
        private int _steps, _accuracySteps, _items;

        public long Step { get; set; } = step;
        public int BatchInEpoch { get; set; }
        public float LastLoss { get; set; }

        /// <summary>Clears the sums, or takes those a checkpoint inside the epoch saved (a resumed epoch).</summary>
        public void StartEpoch(EpochProgress? resumed = null)
        {
            var p = resumed ?? new EpochProgress(0, 0, 0, 0, 0, 0, 0, 0);
            (_loss, _embedding, _ce, _accuracy, _seconds, _steps, _accuracySteps, _items) =
                (p.Loss, p.Embedding, p.CrossEntropy, p.Accuracy, p.Seconds, p.Steps, p.AccuracySteps, p.Items);
        }

        public EpochProgress Snapshot() => new(_loss, _embedding, _ce, _accuracy, _seconds, _steps, _accuracySteps, _items);

        public void Record(StepFigures figures, int items, double seconds)
        {
            _loss += figures.Total;
            if (!double.IsNaN(figures.Embedding)) _embedding += figures.Embedding;
            if (!double.IsNaN(figures.CrossEntropy)) _ce += figures.CrossEntropy;
            if (!double.IsNaN(figures.Accuracy)) { _accuracy += figures.Accuracy; _accuracySteps++; }
            _seconds += seconds;
            _items += items;
            _steps++;
        }

        public Dictionary<string, double> EpochMeans()
        {
            var n = Math.Max(1, _steps);
            var values = new Dictionary<string, double>
            {
                ["loss"] = _loss / n,
                ["epoch_seconds"] = _seconds,
                ["items_per_s"] = _items / Math.Max(1e-9, _seconds),
            };
            if (_embedding != 0) values["loss_embedding"] = _embedding / n;
            if (_ce != 0) values["loss_ce"] = _ce / n;
            if (_accuracySteps > 0) values["accuracy"] = _accuracy / _accuracySteps;
            return values;
        }
    }
}
