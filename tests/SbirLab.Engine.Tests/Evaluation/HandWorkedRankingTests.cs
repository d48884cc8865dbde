using SbirLab.Engine.Evaluation;
using static SbirLab.Engine.Tests.Evaluation.EvaluationData;

namespace SbirLab.Engine.Tests.Evaluation;

/// <summary>Rankings small enough to score by hand; every expected value carries its arithmetic.</summary>
public class HandWorkedRankingTests
{
    private const long A = 0, B = 1, C = 2;
    private const double Tolerance = 1e-12;

    // Gallery on a line at x = 1..6 with labels [A, B, A, B, B, A].
    private static readonly double[][] Gallery = OnLine(1, 2, 3, 4, 5, 6);
    private static readonly long[] GalleryLabels = [A, B, A, B, B, A];

    private static readonly RetrievalOptions SmallOptions = new()
    {
        PrecisionAtK = [1, 5],
        TopKHit = [1, 5],
        RecallCurvePoints = 10,
        InterpolatedRecallLevels = 4,
        ExampleTopK = 3,
    };

    [Fact]
    public void SingleQueryScoresTheHandWorkedRanking()
    {
        // Query x = 0, label A: ranking x = 1..6, relevance [1,0,1,0,0,1], T = 3.
        var report = Evaluate(OnLine(0), [A], SmallOptions);

        // AP = (1/1 + 2/3 + 3/6) / 3 = 13/18 = 0.7222…
        Assert.Equal(13.0 / 18, report.MeanAveragePrecision, Tolerance);
        Assert.Equal(13.0 / 18, report.PerQueryAp[0]!.Value, Tolerance);
        // mAP@R with R = 3: (1/1 + 2/3) / 3 = 5/9; R-precision: 2 of the first 3 = 2/3.
        Assert.Equal(5.0 / 9, report.MapAtR, Tolerance);
        Assert.Equal(2.0 / 3, report.RPrecision, Tolerance);
        // P@1 = 1, P@5 = 2/5; a relevant item is in the top 1 and the top 5.
        AssertValues([1, 2.0 / 5], report.PrecisionAtK.Select(p => p.Value));
        AssertValues([1, 1], report.TopKHitRate.Select(p => p.Value));
        // All 6 ranks fit in 10 points: prec(k) = [1, 1/2, 2/3, 2/4, 2/5, 3/6], recall(k) = [1,1,2,2,2,3]/3.
        Assert.Equal([1, 2, 3, 4, 5, 6], report.RankCurve.Rank);
        AssertValues([1, 1.0 / 2, 2.0 / 3, 2.0 / 4, 2.0 / 5, 3.0 / 6], report.RankCurve.MeanPrecision);
        AssertValues([1.0 / 3, 1.0 / 3, 2.0 / 3, 2.0 / 3, 2.0 / 3, 1], report.RankCurve.MeanRecall);
        AssertValues([1.0 / 6, 2.0 / 6, 3.0 / 6, 4.0 / 6, 5.0 / 6, 1], report.RecallRatio.FractionRetrieved);
        // Recall levels 0, 1/3, 2/3, 1 are first reached at ranks 1, 1, 3, 6; the best precision from there on is
        // max(1, …) = 1, 1, max(2/3, 2/4, 2/5, 3/6) = 2/3, 3/6 = 1/2.
        AssertValues([0, 1.0 / 3, 2.0 / 3, 1], report.PrCurve.Recall);
        AssertValues([1, 1, 2.0 / 3, 1.0 / 2], report.PrCurve.Precision);
    }

    [Fact]
    public void MapIsTheMeanOfTwoHandWorkedAps()
    {
        // Query 2 at x = 7, label B: ranking x = 6,5,4,3,2,1, relevance [0,1,1,0,1,0], T = 3.
        // AP₂ = (1/2 + 2/3 + 3/5) / 3 = 53/90; AP₁ = 13/18 = 65/90 (above); mAP = 118/180 = 59/90.
        var report = Evaluate(OnLine(0, 7), [A, B], SmallOptions);

        Assert.Equal(53.0 / 90, report.PerQueryAp[1]!.Value, Tolerance);
        Assert.Equal(59.0 / 90, report.MeanAveragePrecision, Tolerance);
        // mAP@R: query 1 gives 5/9 = 10/18, query 2 gives (1/2 + 2/3) / 3 = 7/18; mean 17/36.
        Assert.Equal(17.0 / 36, report.MapAtR, Tolerance);
        // P@1: (1 + 0) / 2; P@5: (2/5 + 3/5) / 2 = 1/2. Hit@1: 1 of 2 queries; hit@5: both.
        AssertValues([0.5, 0.5], report.PrecisionAtK.Select(p => p.Value));
        AssertValues([0.5, 1], report.TopKHitRate.Select(p => p.Value));
        Assert.Equal(0, report.SkippedQueries);
    }

    [Fact]
    public void ExcludingTheQueryFromTheGalleryChangesTheRankingAndT()
    {
        // Same-domain retrieval: gallery x = 0,1,2,3 labels [A,A,B,A]; the query is gallery item 0.
        double[][] gallery = OnLine(0, 1, 2, 3);
        long[] labels = [A, A, B, A];
        var options = SmallOptions with { PrecisionAtK = [1], TopKHit = [1], ExampleTopK = 3 };

        // Excluded: ranking x = 1,2,3 → relevance [1,0,1], T = 2, AP = (1/1 + 2/3) / 2 = 5/6.
        var excluded = Evaluate(OnLine(0), [A], gallery, labels, options with { QuerySelfIndex = [0] });
        // Kept: ranking x = 0,1,2,3 → relevance [1,1,0,1], T = 3, AP = (1 + 1 + 3/4) / 3 = 11/12.
        var kept = Evaluate(OnLine(0), [A], gallery, labels, options);

        Assert.Equal(5.0 / 6, excluded.MeanAveragePrecision, Tolerance);
        Assert.Equal(11.0 / 12, kept.MeanAveragePrecision, Tolerance);
        Assert.Equal(3, excluded.RankedListLength);
        Assert.Equal(4, kept.RankedListLength);
        Assert.Equal([1L, 2, 3], excluded.Examples[0].GalleryIndices);
        Assert.Equal([0L, 1, 2], kept.Examples[0].GalleryIndices);
    }

    [Fact]
    public void QueryWithoutRelevantItemsIsSkippedAndCounted()
    {
        // Label C is not in the gallery: T = 0, so only query 1 (AP 13/18) counts.
        var report = Evaluate(OnLine(0, 7), [A, C], SmallOptions);

        Assert.Equal(1, report.SkippedQueries);
        Assert.Null(report.PerQueryAp[1]);
        Assert.Equal(13.0 / 18, report.MeanAveragePrecision, Tolerance);
        Assert.Equal(1, report.PrecisionAtK[0].Value, Tolerance);
    }

    [Fact]
    public void ExamplesShowTheFirstQueryOfEachClassInLabelOrder()
    {
        // Queries: x = 7 (B), x = 0 (A), x = 0.5 (A). Class A's first query is #1, class B's is #0.
        var report = Evaluate(OnLine(7, 0, 0.5), [B, A, A], SmallOptions);

        Assert.Equal([1, 0], report.Examples.Select(e => e.QueryIndex));
        Assert.Equal([A, B], report.Examples.Select(e => e.QueryLabel));
        // Query x = 0: nearest x = 1, 2, 3 (gallery 0, 1, 2), labels A, B, A, squared distances 1, 4, 9.
        var a = report.Examples[0];
        Assert.Equal([0L, 1, 2], a.GalleryIndices);
        Assert.Equal([A, B, A], a.GalleryLabels);
        Assert.Equal([1.0, 4, 9], a.Distances);
        Assert.Equal([true, false, true], a.Relevant);
        // Query x = 7: nearest x = 6, 5, 4 (gallery 5, 4, 3), labels A, B, B.
        var b = report.Examples[1];
        Assert.Equal([5L, 4, 3], b.GalleryIndices);
        Assert.Equal([false, true, true], b.Relevant);
    }

    [Fact]
    public void CutOffBeyondTheRankedListIsRejected()
    {
        var options = SmallOptions with { PrecisionAtK = [7] };

        Assert.Throws<ArgumentOutOfRangeException>(() => Evaluate(OnLine(0), [A], options));
    }

    [Fact]
    public void NoQueryWithRelevantItemsIsAnError()
    {
        Assert.Throws<InvalidOperationException>(() => Evaluate(OnLine(0), [C], SmallOptions));
    }

    private static RetrievalReport Evaluate(double[][] queries, long[] queryLabels, RetrievalOptions options) =>
        Evaluate(queries, queryLabels, Gallery, GalleryLabels, options);

    private static RetrievalReport Evaluate(
        double[][] queries, long[] queryLabels, double[][] gallery, long[] galleryLabels, RetrievalOptions options)
    {
        using var queryTensor = ToTensor(queries);
        using var galleryTensor = ToTensor(gallery);
        return RetrievalEvaluator.Evaluate(queryTensor, queryLabels, galleryTensor, galleryLabels, options);
    }

    private static void AssertValues(double[] expected, IEnumerable<double> actual)
    {
        var actualArray = actual.ToArray();
        Assert.Equal(expected.Length, actualArray.Length);
        for (var i = 0; i < expected.Length; i++)
        {
            Assert.Equal(expected[i], actualArray[i], Tolerance);
        }
    }
}
