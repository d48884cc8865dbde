using SbirLab.Engine.Evaluation;
using static SbirLab.Engine.Tests.Evaluation.EvaluationData;

namespace SbirLab.Engine.Tests.Evaluation;

/// <summary>Embeddings whose scores are known in closed form: perfect separation, and every relevant item last.</summary>
public class ExtremeEmbeddingTests
{
    private const double Tolerance = 1e-12;

    [Fact]
    public void PerfectEmbeddingScoresOneEverywhere()
    {
        // Class c sits at 10·e_c: 4 gallery items and 2 queries per class, 3 classes; every relevant item
        // (distance 0) precedes every other (distance 200).
        double[] Point(int c) => Enumerable.Range(0, 3).Select(d => d == c ? 10.0 : 0).ToArray();
        var gallery = Enumerable.Range(0, 12).Select(i => Point(i % 3)).ToArray();
        var queries = Enumerable.Range(0, 6).Select(i => Point(i % 3)).ToArray();
        using var galleryTensor = ToTensor(gallery);
        using var queryTensor = ToTensor(queries);
        var options = new RetrievalOptions { PrecisionAtK = [1, 4], TopKHit = [1], InterpolatedRecallLevels = 11, ExampleTopK = 4 };

        var report = RetrievalEvaluator.Evaluate(
            queryTensor, [0, 1, 2, 0, 1, 2], galleryTensor, Enumerable.Range(0, 12).Select(i => (long)(i % 3)).ToArray(), options);

        Assert.Equal(1, report.MeanAveragePrecision, Tolerance);
        Assert.Equal(1, report.MapAtR, Tolerance);
        Assert.All(report.PrecisionAtK, p => Assert.Equal(1, p.Value, Tolerance));
        Assert.Equal(1, report.TopKHitRate[0].Value, Tolerance);
        Assert.All(report.PrCurve.Precision, p => Assert.Equal(1, p, Tolerance));
        // Recall at rank 4 = T = 4 is 1; precision at rank 12 is 4/12.
        Assert.Equal(1, report.RankCurve.MeanRecall[3], Tolerance);
        Assert.Equal(4.0 / 12, report.RankCurve.MeanPrecision[11], Tolerance);
        Assert.All(report.Examples, e => Assert.All(e.Relevant, Assert.True));
    }

    [Fact]
    public void AdversarialSmallRankingHasTheHandWorkedAp()
    {
        // Query x = 0 (class 1); gallery x = 1,2,3 of class 0, then x = 4,5 of class 1: relevant at ranks 4 and 5.
        // AP = (1/4 + 2/5) / 2 = 0.325; mAP@R = 0 (nothing relevant in the first R = 2); P@5 = 2/5.
        using var queries = ToTensor(OnLine(0));
        using var gallery = ToTensor(OnLine(1, 2, 3, 4, 5));
        var options = new RetrievalOptions { PrecisionAtK = [5], TopKHit = [3], ExampleTopK = 5 };

        var report = RetrievalEvaluator.Evaluate(queries, [1], gallery, [0, 0, 0, 1, 1], options);

        Assert.Equal(0.325, report.MeanAveragePrecision, Tolerance);
        Assert.Equal(0, report.MapAtR, Tolerance);
        Assert.Equal(0.4, report.PrecisionAtK[0].Value, Tolerance);
        Assert.Equal(0, report.TopKHitRate[0].Value, Tolerance);
    }

    [Fact]
    public void AdversarialLargeRankingMatchesTheClosedForm()
    {
        // G = 100 on a line, the T = 10 farthest relevant: the i-th relevant item is at rank 90 + i, so
        // AP = (1/10) · Σᵢ i / (90 + i), i = 1..10.
        using var queries = ToTensor(OnLine(0));
        using var gallery = ToTensor(OnLine(Enumerable.Range(1, 100).Select(x => (double)x).ToArray()));
        var labels = Enumerable.Range(1, 100).Select(x => x > 90 ? 1L : 0L).ToArray();
        var expected = Enumerable.Range(1, 10).Sum(i => i / (90.0 + i)) / 10;

        var report = RetrievalEvaluator.Evaluate(queries, [1], gallery, labels, new RetrievalOptions());

        Assert.Equal(expected, report.MeanAveragePrecision, Tolerance);
        Assert.Equal(0, report.TopKHitRate.Max(h => h.Value));
    }
}
