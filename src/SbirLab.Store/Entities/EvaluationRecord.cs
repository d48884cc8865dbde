namespace SbirLab.Store.Entities;

/// <summary>
/// One retrieval evaluation of a run (the engine's eval.json), kept whole in <see cref="ReportJson"/> and
/// split into the parts the UI draws: summary figures, curves and ranked examples. Its embedding maps are
/// <see cref="EmbeddingMapRecord"/>s (one per projection).
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

    /// <summary>The whole report as the engine made it (what an export writes as eval.json).</summary>
    public string ReportJson { get; set; } = "{}";
}
