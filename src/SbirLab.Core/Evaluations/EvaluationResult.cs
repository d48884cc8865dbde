namespace SbirLab.Core.Evaluations;

/// <summary>
/// What an evaluation of a run produced, as the trainer tells its observers: the report (the evaluation file's JSON:
/// retrieval or one-shot figures, curves, ranked examples) and the run's embedding maps (none when the run makes none).
/// </summary>
public sealed record EvaluationResult(string ReportJson, IReadOnlyList<EmbeddingMapData> Maps);
