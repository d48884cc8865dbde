using SbirLab.Core.Configs;
using SbirLab.Core.Evaluations;
using SbirLab.Core.Runs;
using SbirLab.Engine.Training;

namespace SbirLab.Engine.Tests.Training;

/// <summary>Small FashionMNIST runs that train in seconds on two cores.</summary>
internal static class TinyRuns
{
    public static RunConfig Config(EmbeddingLossKind embedding = EmbeddingLossKind.Triplet, int epochs = 2, int steps = 12) => new()
    {
        Name = "tiny",
        Seed = 7,
        Loss = embedding == EmbeddingLossKind.None
            ? new LossConfig { Embedding = EmbeddingLossKind.None, CrossEntropyWeight = 1 }
            : new LossConfig { Embedding = embedding, EmbeddingWeight = 1, CrossEntropyWeight = 0, Margin = 0.2, Anchors = 10 },
        Batch = new BatchConfig { Sampler = SamplerKind.Shuffle, Size = 50 },
        Optimizer = new OptimizerConfig { LearningRate = 0.05, Momentum = 0.9 },
        Training = new TrainingConfig { Epochs = epochs, MaxStepsPerEpoch = steps, EvaluateEvery = 1 },
        Data = new DataConfig { Dataset = DatasetKind.FashionMnist, TrainLimit = 2000 },
        Evaluation = new EvaluationConfig { PerClass = 20, Queries = 40, PrecisionAtK = [1, 5], ExampleTopK = 5 },
    };

    /// <summary>Records every event of a run.</summary>
    public sealed class Recorder(Action<StepMetrics>? onStep = null) : ITrainingObserver
    {
        public List<StepMetrics> Steps { get; } = [];
        public List<EpochMetrics> Epochs { get; } = [];
        public List<RunStart> Starts { get; } = [];
        public List<CheckpointInfo> Checkpoints { get; } = [];
        public List<string> Log { get; } = [];
        public List<EvaluationResult> Evaluations { get; } = [];

        /// <summary>The report of the last evaluation the trainer told (what the store keeps and an export writes as eval.json).</summary>
        public EvaluationFile Report => RunEvaluator.Parse(Evaluations[^1].ReportJson) ?? throw new InvalidDataException("not an evaluation report");

        /// <summary>The retrieval mAP of the last evaluation.</summary>
        public double Map => Report.Report!.MeanAveragePrecision;

        public void OnStart(RunStart start) => Starts.Add(start);
        public void OnStep(StepMetrics step) { Steps.Add(step); onStep?.Invoke(step); }
        public void OnEpoch(EpochMetrics epoch) => Epochs.Add(epoch);
        public void OnCheckpoint(CheckpointInfo checkpoint) => Checkpoints.Add(checkpoint);
        public void OnLog(string line) => Log.Add(line);
        public void OnEvaluation(EvaluationResult evaluation) => Evaluations.Add(evaluation);
    }
}
