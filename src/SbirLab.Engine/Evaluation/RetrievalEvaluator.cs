using TorchSharp;
using static TorchSharp.torch;

namespace SbirLab.Engine.Evaluation;

/// <summary>
/// Measures how well an embedding retrieves: every query ranks the whole gallery by squared Euclidean distance
/// (ties by gallery index, the query itself excluded) and the ranking is scored with mAP (seed 004), mAP@R,
/// precision@k, top-k hit rate (seed 003), precision–recall and recall-ratio curves (seeds 000, 004) and one
/// ranked example per class (seed 000). Work is vectorised per block of queries on the embeddings' device;
/// sums are kept in float64.
/// </summary>
public static class RetrievalEvaluator
{
    /// <summary>Evaluates query embeddings [Q,D] with labels against gallery embeddings [G,D] with labels.</summary>
    /// <exception cref="ArgumentException">Shapes, labels or options do not fit together.</exception>
    /// <exception cref="InvalidOperationException">No query has a relevant item in the gallery.</exception>
    public static RetrievalReport Evaluate(
        Tensor queryEmbeddings, long[] queryLabels, Tensor galleryEmbeddings, long[] galleryLabels, RetrievalOptions? options = null)
    {
        options ??= new RetrievalOptions();
        ExactSearch.RequireCompatible(queryEmbeddings, galleryEmbeddings);
        RequireLabelCounts(queryEmbeddings, queryLabels, galleryEmbeddings, galleryLabels);
        var listLength = (int)ExactSearch.ShortestListLength(galleryLabels.Length, options.QuerySelfIndex);
        RequireOptionsFit(options, listLength);
        var curveRanks = RankSampling.Even(listLength, options.RecallCurvePoints);
        var device = queryEmbeddings.device;
        using var metrics = new RankingMetrics(
            galleryLabels.Length, options.PrecisionAtK, options.TopKHit, curveRanks, options.InterpolatedRecallLevels, device);
        var (totals, perQueryAp) = SumOverQueries(queryEmbeddings, queryLabels, galleryEmbeddings, galleryLabels, options, metrics);
        var evaluated = perQueryAp.Count(ap => ap.HasValue);
        if (evaluated == 0)
        {
            throw new InvalidOperationException("No query has a relevant item in the gallery; nothing can be measured.");
        }

        double Mean(int column) => totals[column] / evaluated;
        double[] Means(int start, int count) => Enumerable.Range(start, count).Select(Mean).ToArray();
        return new RetrievalReport
        {
            QueryCount = queryLabels.Length,
            GalleryCount = galleryLabels.Length,
            RankedListLength = listLength,
            SkippedQueries = queryLabels.Length - evaluated,
            MeanAveragePrecision = Mean(RankingMetrics.ApColumn),
            MapAtR = Mean(RankingMetrics.MapAtRColumn),
            RPrecision = Mean(RankingMetrics.RPrecisionColumn),
            PerQueryAp = perQueryAp,
            PrecisionAtK = AtK(options.PrecisionAtK, Means(metrics.PrecisionStart, options.PrecisionAtK.Length)),
            TopKHitRate = AtK(options.TopKHit, Means(metrics.HitStart, options.TopKHit.Length)),
            PrCurve = new PrecisionRecallCurve(
                RecallLevels(options.InterpolatedRecallLevels), Means(metrics.InterpolatedStart, options.InterpolatedRecallLevels)),
            RankCurve = new RankCurve(
                curveRanks, Means(metrics.RankPrecisionStart, curveRanks.Length), Means(metrics.RankRecallStart, curveRanks.Length)),
            RecallRatio = new RecallRatioCurve(
                curveRanks, curveRanks.Select(n => (double)n / listLength).ToArray(), Means(metrics.RankRecallStart, curveRanks.Length)),
            Examples = options.ExamplesPerClass
                ? BuildExamples(queryEmbeddings, queryLabels, galleryEmbeddings, galleryLabels, options)
                : [],
        };
    }

    /// <summary>Column sums of the metric rows over queries with T &gt; 0, and every query's AP (null when T = 0).</summary>
    private static (double[] Totals, double?[] PerQueryAp) SumOverQueries(
        Tensor queryEmbeddings, long[] queryLabels, Tensor galleryEmbeddings, long[] galleryLabels,
        RetrievalOptions options, RankingMetrics metrics)
    {
        var device = queryEmbeddings.device;
        using var galleryLabelTensor = tensor(galleryLabels, dtype: ScalarType.Int64, device: device);
        using var queryLabelTensor = tensor(queryLabels, dtype: ScalarType.Int64, device: device);
        using var excluded = ExactSearch.ExclusionTensor(options.QuerySelfIndex, queryLabels.Length, galleryLabels.Length, device);
        using var totals = zeros(metrics.Width, dtype: ScalarType.Float64, device: device);
        var perQueryAp = new double?[queryLabels.Length];
        foreach (var (start, length) in ExactSearch.Blocks(queryLabels.Length, options.QueryBlockSize))
        {
            using var scope = NewDisposeScope();
            var excludedBlock = excluded.narrow(0, start, length);
            var relevance = SortedRelevance(
                queryEmbeddings.narrow(0, start, length), queryLabelTensor.narrow(0, start, length),
                galleryEmbeddings, galleryLabelTensor, excludedBlock);
            var rows = metrics.Rows(relevance);
            var evaluated = relevance.sum(1).gt(0);
            totals.add_((rows * evaluated.unsqueeze(1)).sum(dim: 0));
            RecordAp(perQueryAp, (int)start, rows.select(1, RankingMetrics.ApColumn), evaluated);
        }

        return (totals.cpu().data<double>().ToArray(), perQueryAp);
    }

    /// <summary>Relevance [B,G] (float64 0/1) of each rank of each query's ranked gallery; the excluded item is last and not relevant.</summary>
    private static Tensor SortedRelevance(
        Tensor queryBlock, Tensor queryLabelBlock, Tensor gallery, Tensor galleryLabels, Tensor excludedBlock)
    {
        using var scope = NewDisposeScope();
        var (_, order) = ExactSearch.RankGallery(queryBlock, gallery, excludedBlock);
        var sameLabel = galleryLabels.take(order).eq(queryLabelBlock.unsqueeze(1));
        var notExcluded = order.ne(excludedBlock.unsqueeze(1));
        return sameLabel.logical_and(notExcluded).to_type(ScalarType.Float64).MoveToOuterDisposeScope();
    }

    private static void RecordAp(double?[] perQueryAp, int start, Tensor apBlock, Tensor evaluatedBlock)
    {
        var ap = apBlock.cpu().data<double>().ToArray();
        var evaluated = evaluatedBlock.cpu().data<bool>().ToArray();
        for (var i = 0; i < ap.Length; i++)
        {
            perQueryAp[start + i] = evaluated[i] ? ap[i] : null;
        }
    }

    /// <summary>The first query of each label, in increasing label order, with its top ExampleTopK gallery items.</summary>
    private static RetrievalExample[] BuildExamples(
        Tensor queryEmbeddings, long[] queryLabels, Tensor galleryEmbeddings, long[] galleryLabels, RetrievalOptions options)
    {
        var chosen = queryLabels.Select((label, index) => (label, index))
            .GroupBy(q => q.label).OrderBy(g => g.Key).Select(g => g.First().index).ToArray();
        var exclusions = options.QuerySelfIndex is null ? null : chosen.Select(q => options.QuerySelfIndex[q]).ToArray();
        using var scope = NewDisposeScope();
        var chosenEmbeddings = queryEmbeddings.index_select(
            0, tensor(chosen.Select(q => (long)q).ToArray(), dtype: ScalarType.Int64, device: queryEmbeddings.device));
        var (indexTensor, distanceTensor) = ExactSearch.TopK(
            chosenEmbeddings, galleryEmbeddings, options.ExampleTopK, exclusions, options.QueryBlockSize);
        var indices = indexTensor.cpu().data<long>().ToArray();
        var distances = distanceTensor.to_type(ScalarType.Float64).cpu().data<double>().ToArray();
        var k = options.ExampleTopK;
        return chosen.Select((query, row) =>
        {
            var top = indices.AsSpan(row * k, k).ToArray();
            var labels = top.Select(g => galleryLabels[g]).ToArray();
            return new RetrievalExample(
                query, queryLabels[query], top, labels, distances.AsSpan(row * k, k).ToArray(),
                labels.Select(l => l == queryLabels[query]).ToArray());
        }).ToArray();
    }

    private static MetricAtK[] AtK(int[] ks, double[] values) => ks.Select((k, i) => new MetricAtK(k, values[i])).ToArray();

    private static double[] RecallLevels(int count) => Enumerable.Range(0, count).Select(i => (double)i / (count - 1)).ToArray();

    private static void RequireLabelCounts(Tensor queries, long[] queryLabels, Tensor gallery, long[] galleryLabels)
    {
        if (queryLabels.Length != queries.shape[0] || galleryLabels.Length != gallery.shape[0])
        {
            throw new ArgumentException(
                $"Expected one label per embedding: {queries.shape[0]} queries with {queryLabels.Length} labels, " +
                $"{gallery.shape[0]} gallery items with {galleryLabels.Length} labels.");
        }
    }

    private static void RequireOptionsFit(RetrievalOptions options, int listLength)
    {
        foreach (var k in options.PrecisionAtK.Concat(options.TopKHit).Append(options.ExamplesPerClass ? options.ExampleTopK : 1))
        {
            if (k < 1 || k > listLength)
            {
                throw new ArgumentOutOfRangeException(nameof(options), k, $"Cut-offs must lie in 1..{listLength}, the shortest ranked list.");
            }
        }

        if (options.RecallCurvePoints < 2 || options.InterpolatedRecallLevels < 2)
        {
            throw new ArgumentOutOfRangeException(nameof(options), "RecallCurvePoints and InterpolatedRecallLevels must be at least 2.");
        }

        ExactSearch.RequirePositive(options.QueryBlockSize, nameof(options.QueryBlockSize));
    }
}
