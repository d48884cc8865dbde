using System.Text.Json;
using SbirLab.Engine.Evaluation;
using static SbirLab.Engine.Tests.Evaluation.EvaluationData;

namespace SbirLab.Engine.Tests.Evaluation;

/// <summary>The report is what eval.json and the web lab read, so it must survive System.Text.Json unchanged.</summary>
public class RetrievalReportJsonTests
{
    [Fact]
    public void ReportRoundTripsThroughSystemTextJson()
    {
        // Two queries, the second of a class absent from the gallery, so PerQueryAp holds a null.
        using var queries = ToTensor(OnLine(0, 7));
        using var gallery = ToTensor(OnLine(1, 2, 3, 4, 5, 6));
        var options = new RetrievalOptions { PrecisionAtK = [1, 5], TopKHit = [1], ExampleTopK = 3 };
        var report = RetrievalEvaluator.Evaluate(queries, [0, 2], gallery, [0, 1, 0, 1, 1, 0], options);

        var json = JsonSerializer.Serialize(report);
        var back = JsonSerializer.Deserialize<RetrievalReport>(json)!;

        Assert.Equal(json, JsonSerializer.Serialize(back));
        Assert.Equal(report.MeanAveragePrecision, back.MeanAveragePrecision);
        Assert.Equal(report.PerQueryAp, back.PerQueryAp);
        Assert.Equal(report.PrCurve.Precision, back.PrCurve.Precision);
        Assert.Equal(report.Examples[0].GalleryIndices, back.Examples[0].GalleryIndices);
        Assert.Contains("\"PerQueryAp\":[0.72", json);
        Assert.Contains("null]", json);
    }
}
