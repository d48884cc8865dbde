namespace SbirLab.Store.Entities;

/// <summary>
/// One retrieval evaluation of a run (the engine's eval.json), kept whole in <see cref="ReportJson"/> and
/// split into the parts the UI draws: summary figures, curves, ranked examples and the embedding map.
/// </summary>
public sealed class EvaluationRecord
{
    public long Id { get; set; }
    public long RunId { get; set; }
    public int? Epoch { get; set; }
    public long? Step { get; set; }
    public DateTime CreatedAt { get; set; }

    /// <summary>Scalar figures as a JSON object {"mAP": 0.79, "precisionAt10": ...}.</summary>
    public string SummaryJson { get; set; } = "{}";

    /// <summary>Precision–recall and recall-ratio curves (JSON), when the report has them.</summary>
    public string? CurvesJson { get; set; }

    /// <summary>One ranked example per class (JSON), when the report has them.</summary>
    public string? RankedExamplesJson { get; set; }

    /// <summary>2-D embedding map (PCA / t-SNE points, JSON), when the report has one.</summary>
    public string? EmbeddingMapJson { get; set; }

    /// <summary>The whole report as the engine wrote it.</summary>
    public string ReportJson { get; set; } = "{}";
}
