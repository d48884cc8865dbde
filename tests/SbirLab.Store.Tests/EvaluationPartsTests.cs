using System.Text.Json.Nodes;

namespace SbirLab.Store.Tests;

public sealed class EvaluationPartsTests
{
    /// <summary>The shape of the engine's eval.json: an EvaluationFile whose "report" is a RetrievalReport.</summary>
    private const string EngineReport = """
        {"run":"triplet","epochs":2,"data":"fashion-mnist","classNames":["T-shirt","Trouser"],
         "report":{"queryCount":100,"galleryCount":1000,"rankedListLength":999,"skippedQueries":0,
           "meanAveragePrecision":0.79,"mapAtR":0.7,"rPrecision":0.72,"perQueryAp":[0.5,0.9],
           "precisionAtK":[{"k":1,"value":0.9},{"k":5,"value":0.85}],
           "topKHitRate":[{"k":5,"value":0.98}],
           "prCurve":{"recall":[0,1],"precision":[1,0.5]},
           "rankCurve":{"rank":[1,999],"meanPrecision":[0.9,0.1],"meanRecall":[0.01,1]},
           "recallRatio":{"retrieved":[1,999],"fractionRetrieved":[0.001,1],"meanRecall":[0.01,1]},
           "examples":[{"queryIndex":0,"queryLabel":0,"galleryIndices":[3],"galleryLabels":[0],"distances":[0.1],"relevant":[true]}]}}
        """;

    [Fact]
    public void The_engine_report_splits_into_figures_curves_and_examples()
    {
        var parts = EvaluationParts.Split(EngineReport);
        var figures = EvaluationParts.Figures(parts.Summary);

        Assert.Equal(0.79, figures["meanAveragePrecision"]);
        Assert.Equal(0.85, figures["precisionAtK@5"]);
        Assert.Equal(0.98, figures["topKHitRate@5"]);
        Assert.Equal(100, figures["queryCount"]);
        Assert.False(figures.ContainsKey("perQueryAp")); // a list of numbers is not one figure
        var curves = JsonNode.Parse(parts.Curves!)!.AsObject();
        Assert.Equal(["prCurve", "rankCurve", "recallRatio"], curves.Select(kv => kv.Key).Order());
        Assert.Equal(0, JsonNode.Parse(parts.RankedExamples!)![0]!["queryLabel"]!.GetValue<int>());
    }

    [Fact]
    public void A_flat_report_with_a_summary_object_is_read_too_and_a_map_in_it_is_neither_a_figure_nor_a_curve()
    {
        // Maps are the store's own rows (EmbeddingMapRecord), never guessed from a report's JSON.
        var parts = EvaluationParts.Split("""{"summary":{"mAP":0.5},"embeddingMap":{"x":[1],"y":[2]},"note":"text"}""");
        Assert.Equal(["mAP"], EvaluationParts.Figures(parts.Summary).Keys);
        Assert.Null(parts.Curves);
        Assert.Null(parts.RankedExamples);
    }

    [Fact]
    public void Figures_measured_beside_the_report_are_kept_with_its_own()
    {
        // The engine writes the gallery index's figures (seed 003's top-5 hit rate through HNSW) in the file's own
        // "summary", outside the retrieval report; the report's figures are read as before.
        string file = EngineReport.TrimEnd()[..^1] + ""","index":{"hnswRecallAt10":0.97},"summary":{"top5_hit_hnsw":0.81,"hnsw_recall@10":0.97}}""";
        var figures = EvaluationParts.Figures(EvaluationParts.Split(file).Summary);
        Assert.Equal(0.81, figures["top5_hit_hnsw"]);
        Assert.Equal(0.97, figures["hnsw_recall@10"]);
        Assert.Equal(0.79, figures["meanAveragePrecision"]);
    }
}
