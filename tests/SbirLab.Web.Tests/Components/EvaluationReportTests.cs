using SbirLab.Core.Evaluations;
using SbirLab.Web.Components.Shared;
using SbirLab.Web.Services;

namespace SbirLab.Web.Tests.Components;

public sealed class EvaluationReportTests : ComponentTest
{
    [Fact]
    public void The_ranked_grid_frames_results_of_the_querys_class_green_and_others_red()
    {
        var file = TestLab.Evaluation(perClass: 6, topK: 5);
        var cut = Context.Render<EvaluationReport>(p => p.Add(r => r.RunId, 4).Add(r => r.Evaluation, new RunEvaluation(file, [], null)));

        var rows = cut.FindAll(".ranked-row");
        Assert.Equal(file.Report!.Examples.Length, rows.Count);
        foreach (var (row, example) in rows.Zip(file.Report!.Examples))
        {
            string queryClass = row.QuerySelector(".class-name")!.TextContent;
            Assert.Equal(file.ClassNames[(int)example.QueryLabel], queryClass);
            var results = row.QuerySelectorAll(".thumb.relevant, .thumb.irrelevant").ToList();
            Assert.Equal(5, results.Count);
            // Green exactly where the engine says relevant, and a green result is of the query's class.
            Assert.Equal(example.Relevant, results.Select(r => r.ClassList.Contains("relevant")));
            Assert.All(results.Where(r => r.ClassList.Contains("relevant")), r => Assert.Equal(queryClass, r.GetAttribute("title")));
            Assert.All(results.Where(r => r.ClassList.Contains("irrelevant")), r => Assert.NotEqual(queryClass, r.GetAttribute("title")));
            Assert.Equal($"api/runs/4/images/query/{example.QueryIndex}.png", row.QuerySelector("img.query")!.GetAttribute("src"));
        }
        // The misplaced class-2 query gets red results; the others get green ones.
        Assert.Contains(cut.FindAll(".thumb.irrelevant"), _ => true);
        Assert.Contains(cut.FindAll(".thumb.relevant"), _ => true);
    }

    [Fact]
    public void The_headline_figures_are_the_reports()
    {
        var file = TestLab.Evaluation();
        var cut = Context.Render<EvaluationReport>(p => p.Add(r => r.RunId, 1).Add(r => r.Evaluation, new RunEvaluation(file, [], null)));

        Assert.Equal(file.Report!.MeanAveragePrecision.ToString("F3", System.Globalization.CultureInfo.InvariantCulture), cut.Find(".figure-map").TextContent);
        Assert.Contains("No map for this run", cut.Find(".no-map").TextContent);
        var charts = cut.FindAll(".chart-box");
        // PR chart: the rank curve and the interpolated curve, both drawn in full.
        Assert.Equal((file.Report!.RankCurve.Rank.Length + file.Report.PrCurve.Recall.Length).ToString(), charts[0].GetAttribute("data-points"));
        Assert.Equal(file.Report!.RecallRatio.Retrieved.Length.ToString(), charts[1].GetAttribute("data-points"));
    }

    [Fact]
    public void A_pair_run_shows_one_shot_accuracy_with_intervals_verification_and_its_episodes_instead_of_map()
    {
        var file = TestLab.OneShotEvaluation();
        var cut = Context.Render<EvaluationReport>(p => p.Add(r => r.RunId, 9).Add(r => r.Evaluation, new RunEvaluation(file, [], null))
            .Add(r => r.Pictures, ["roc.png", "one-shot-episodes.png"]));

        Assert.Empty(cut.FindAll(".figure-map"));
        // The pair head was right on 3 of 4 episodes: 0.750 with Wilson's interval [0.301, 0.954].
        var figure = cut.Find(".one-shot-figure[data-ways='2']");
        Assert.Equal("0.750", figure.QuerySelector(".value")!.TextContent);
        Assert.Contains("0.301–0.954", figure.TextContent);
        var rows = cut.FindAll(".one-shot-table tbody tr");
        Assert.Equal(["pair-head", "nearest-neighbour"], rows.Select(r => r.GetAttribute("data-method")));
        Assert.StartsWith("0.500", rows[1].QuerySelectorAll("td")[0].TextContent.Trim());
        Assert.Equal("0.778", cut.Find(".figure-auc").TextContent); // AUC 7/9 of the known ranking
        // ROC: both scorers' 7 points and the 2-point chance diagonal.
        Assert.Equal((7 + 7 + 2).ToString(), cut.Find(".chart-box").GetAttribute("data-points"));

        var episodes = cut.FindAll(".one-shot-episodes .episode");
        Assert.Equal(4, episodes.Count);
        foreach (var (row, example) in episodes.Zip(file.OneShot!.Examples))
        {
            // One chosen support a row: green when of the query's class, red when not; the others grey.
            var chosen = Assert.Single(row.QuerySelectorAll(".thumb.chosen"));
            Assert.Equal(example.Correct ? "relevant" : "irrelevant", chosen.ClassList.Contains("relevant") ? "relevant" : "irrelevant");
            Assert.Equal(file.ClassNames[(int)example.SupportLabels[example.Chosen]], chosen.GetAttribute("title"));
            Assert.Single(row.QuerySelectorAll(".thumb.support"));
            Assert.Equal($"api/runs/9/images/query/{example.QueryIndex}.png", row.QuerySelector("img.query")!.GetAttribute("src"));
        }
        Assert.Equal(3, cut.FindAll(".episode.right").Count);
        Assert.Contains(cut.FindAll(".engine-pictures a"), a => a.GetAttribute("href") == "api/runs/9/pictures/roc.png");
    }

    [Fact]
    public void Without_an_evaluation_the_report_says_so()
    {
        var cut = Context.Render<EvaluationReport>(p => p.Add(r => r.RunId, 1).Add(r => r.Evaluation, null));
        Assert.Contains("No evaluation yet", cut.Markup);
    }

    [Fact]
    public void A_stored_embedding_map_is_drawn_with_the_hovered_points_picture_and_both_projections_offered()
    {
        MapPoint[] points = [new(0, 1, 0, true, ImageSetKind.Query, 3), new(1, 0, 1, false, ImageSetKind.Gallery, 7), new(2, 2, 1, false, ImageSetKind.Gallery, 8)];
        var tsne = new EmbeddingMapData(MapProjection.Tsne, ["a", "b"], points);
        var pca = new EmbeddingMapData(MapProjection.Pca, ["a", "b"], points) { ExplainedVariance = [0.41, 0.18] };
        Assert.Equal(points, EmbeddingMapData.FromJson(tsne.ToJson()).Points);

        var cut = Context.Render<EmbeddingMapPanel>(p => p.Add(m => m.RunId, 2).Add(m => m.Maps, [pca, tsne]));
        Assert.Empty(cut.FindAll(".no-map"));
        Assert.Contains("hover a point", cut.Markup);
        Assert.Contains("t-SNE projection of 3 evaluation embeddings", cut.Find(".map-caption").TextContent); // t-SNE first
        Assert.Equal(2, cut.FindAll(".map-view-picker .mud-toggle-item").Count);
        Assert.Equal("PCA (axes explain 41 % + 18 % of the variance)", pca.ProjectionTitle);

        var none = Context.Render<EmbeddingMapPanel>(p => p.Add(m => m.RunId, 2).Add(m => m.Maps, []));
        Assert.NotEmpty(none.FindAll(".no-map"));
    }
}
