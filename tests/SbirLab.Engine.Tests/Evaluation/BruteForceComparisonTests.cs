using SbirLab.Engine.Evaluation;
using TorchSharp;
using static SbirLab.Engine.Tests.Evaluation.EvaluationData;

namespace SbirLab.Engine.Tests.Evaluation;

/// <summary>The vectorised evaluator against the loop reference on random data: every figure must agree.</summary>
public class BruteForceComparisonTests
{
    private const double Tolerance = 1e-9;

    private static readonly RetrievalOptions Options = new()
    {
        PrecisionAtK = [1, 5, 10, 50],
        TopKHit = [1, 5, 10],
        RecallCurvePoints = 40,
        InterpolatedRecallLevels = 101,
        ExampleTopK = 10,
        QueryBlockSize = 16,
    };

    [Fact]
    public void CrossDomainFiguresMatchTheReference()
    {
        // 60 queries × 300 gallery items, 7 classes, D = 8; queries are not in the gallery.
        var random = new Random(4);
        var queries = Gaussian(60, 8, random);
        var gallery = Gaussian(300, 8, random);
        var queryLabels = Labels(60, 7, random);
        var galleryLabels = Labels(300, 7, random);

        AssertMatchesReference(queries, queryLabels, gallery, galleryLabels, Options);
    }

    [Fact]
    public void SameDomainFiguresWithSelfExclusionMatchTheReference()
    {
        // The queries are gallery items 0, 5, 10, …; half of them are declared as such (−1 for the others),
        // and one class (6) appears among queries only, so some queries are skipped.
        var random = new Random(7);
        var gallery = Gaussian(300, 8, random);
        var galleryLabels = Labels(300, 6, random);
        var picked = Enumerable.Range(0, 60).Select(i => i * 5).ToArray();
        var queries = picked.Select(g => gallery[g]).ToArray();
        var queryLabels = picked.Select((g, i) => i % 10 == 9 ? 6L : galleryLabels[g]).ToArray();
        var selfIndex = picked.Select((g, i) => i % 2 == 0 ? g : -1L).ToArray();

        var report = AssertMatchesReference(queries, queryLabels, gallery, galleryLabels, Options with { QuerySelfIndex = selfIndex });

        Assert.Equal(6, report.SkippedQueries);
        Assert.Equal(299, report.RankedListLength);
    }

    [Fact]
    public void TiedFloat32DistancesAreBrokenByGalleryIndexLikeTheReference()
    {
        // Integer coordinates 0..2 in 3-D: distances are exact in float32 and many are equal.
        var random = new Random(11);
        var queries = SmallIntegers(40, 3, 2, random);
        var gallery = SmallIntegers(120, 3, 2, random);
        var queryLabels = Labels(40, 4, random);
        var galleryLabels = Labels(120, 4, random);

        AssertMatchesReference(queries, queryLabels, gallery, galleryLabels, Options, torch.ScalarType.Float32);
    }

    [Fact]
    public void BlockSizeDoesNotChangeTheReport()
    {
        var random = new Random(5);
        using var queries = ToTensor(Gaussian(60, 8, random));
        using var gallery = ToTensor(Gaussian(300, 8, random));
        var queryLabels = Labels(60, 7, random);
        var galleryLabels = Labels(300, 7, random);

        var small = RetrievalEvaluator.Evaluate(queries, queryLabels, gallery, galleryLabels, Options with { QueryBlockSize = 7 });
        var large = RetrievalEvaluator.Evaluate(queries, queryLabels, gallery, galleryLabels, Options with { QueryBlockSize = 1000 });

        Assert.Equal(large.MeanAveragePrecision, small.MeanAveragePrecision, 1e-12);
        Assert.Equal(large.MapAtR, small.MapAtR, 1e-12);
        Assert.Equal(large.PerQueryAp, small.PerQueryAp);
        AssertClose(large.PrecisionAtK.Select(p => p.Value), small.PrecisionAtK.Select(p => p.Value), 1e-12);
        AssertClose(large.TopKHitRate.Select(p => p.Value), small.TopKHitRate.Select(p => p.Value), 1e-12);
        AssertClose(large.PrCurve.Precision, small.PrCurve.Precision, 1e-12);
        AssertClose(large.RankCurve.MeanPrecision, small.RankCurve.MeanPrecision, 1e-12);
        AssertClose(large.RecallRatio.MeanRecall, small.RecallRatio.MeanRecall, 1e-12);
        Assert.Equal(large.Examples.SelectMany(e => e.GalleryIndices), small.Examples.SelectMany(e => e.GalleryIndices));
    }

    private static RetrievalReport AssertMatchesReference(
        double[][] queries, long[] queryLabels, double[][] gallery, long[] galleryLabels, RetrievalOptions options,
        torch.ScalarType dtype = torch.ScalarType.Float64)
    {
        using var queryTensor = ToTensor(queries, dtype);
        using var galleryTensor = ToTensor(gallery, dtype);
        var report = RetrievalEvaluator.Evaluate(queryTensor, queryLabels, galleryTensor, galleryLabels, options);
        var reference = BruteForceRetrieval.Evaluate(
            queries, queryLabels, gallery, galleryLabels, options.QuerySelfIndex, options.PrecisionAtK, options.TopKHit,
            report.RankCurve.Rank, options.InterpolatedRecallLevels);

        Assert.Equal(reference.Skipped, report.SkippedQueries);
        Assert.Equal(reference.ListLength, report.RankedListLength);
        Assert.Equal(reference.Map, report.MeanAveragePrecision, Tolerance);
        Assert.Equal(reference.MapAtR, report.MapAtR, Tolerance);
        Assert.Equal(reference.RPrecision, report.RPrecision, Tolerance);
        Assert.Equal(reference.PerQueryAp.Select(ap => ap.HasValue), report.PerQueryAp.Select(ap => ap.HasValue));
        AssertClose(reference.PerQueryAp.Select(ap => ap ?? 0), report.PerQueryAp.Select(ap => ap ?? 0), Tolerance);
        AssertClose(reference.PrecisionAtK, report.PrecisionAtK.Select(p => p.Value), Tolerance);
        AssertClose(reference.HitAtK, report.TopKHitRate.Select(p => p.Value), Tolerance);
        AssertClose(reference.RankPrecision, report.RankCurve.MeanPrecision, Tolerance);
        AssertClose(reference.RankRecall, report.RankCurve.MeanRecall, Tolerance);
        AssertClose(reference.RankRecall, report.RecallRatio.MeanRecall, Tolerance);
        AssertClose(reference.InterpolatedPrecision, report.PrCurve.Precision, Tolerance);
        AssertExamplesMatchReference(report, queries, queryLabels, gallery, galleryLabels, options);
        return report;
    }

    private static void AssertExamplesMatchReference(
        RetrievalReport report, double[][] queries, long[] queryLabels, double[][] gallery, long[] galleryLabels, RetrievalOptions options)
    {
        var firstOfEachClass = queryLabels.Distinct().Order().Select(label => Array.IndexOf(queryLabels, label));
        Assert.Equal(firstOfEachClass, report.Examples.Select(e => e.QueryIndex));
        foreach (var example in report.Examples)
        {
            var q = example.QueryIndex;
            var top = BruteForceRetrieval.Ranking(queries[q], gallery, options.QuerySelfIndex?[q] ?? -1).Take(options.ExampleTopK);
            Assert.Equal(top.Select(g => (long)g), example.GalleryIndices);
            Assert.Equal(top.Select(g => galleryLabels[g] == queryLabels[q]), example.Relevant);
            AssertClose(top.Select(g => BruteForceRetrieval.SquaredDistance(queries[q], gallery[g])), example.Distances, 1e-9);
        }
    }

    private static void AssertClose(IEnumerable<double> expected, IEnumerable<double> actual, double tolerance)
    {
        var e = expected.ToArray();
        var a = actual.ToArray();
        Assert.Equal(e.Length, a.Length);
        for (var i = 0; i < e.Length; i++)
        {
            Assert.True(Math.Abs(e[i] - a[i]) <= tolerance, $"Element {i}: expected {e[i]}, got {a[i]}.");
        }
    }
}
