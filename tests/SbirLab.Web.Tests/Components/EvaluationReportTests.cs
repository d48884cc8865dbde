using SbirLab.Web.Components.Shared;
using SbirLab.Web.Services;

namespace SbirLab.Web.Tests.Components;

public sealed class EvaluationReportTests : ComponentTest
{
    [Fact]
    public void The_ranked_grid_frames_results_of_the_querys_class_green_and_others_red()
    {
        var file = TestLab.Evaluation(perClass: 6, topK: 5);
        var cut = Context.Render<EvaluationReport>(p => p.Add(r => r.RunId, 4).Add(r => r.Evaluation, new RunEvaluation(file, null, null)));

        var rows = cut.FindAll(".ranked-row");
        Assert.Equal(file.Report.Examples.Length, rows.Count);
        foreach (var (row, example) in rows.Zip(file.Report.Examples))
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
        var cut = Context.Render<EvaluationReport>(p => p.Add(r => r.RunId, 1).Add(r => r.Evaluation, new RunEvaluation(file, null, null)));

        Assert.Equal(file.Report.MeanAveragePrecision.ToString("F3", System.Globalization.CultureInfo.InvariantCulture), cut.Find(".figure-map").TextContent);
        Assert.Contains("No map for this run", cut.Find(".no-map").TextContent);
        var charts = cut.FindAll(".chart-box");
        // PR chart: the rank curve and the interpolated curve, both drawn in full.
        Assert.Equal((file.Report.RankCurve.Rank.Length + file.Report.PrCurve.Recall.Length).ToString(), charts[0].GetAttribute("data-points"));
        Assert.Equal(file.Report.RecallRatio.Retrieved.Length.ToString(), charts[1].GetAttribute("data-points"));
    }

    [Fact]
    public void Without_an_evaluation_the_report_says_so()
    {
        var cut = Context.Render<EvaluationReport>(p => p.Add(r => r.RunId, 1).Add(r => r.Evaluation, null));
        Assert.Contains("No evaluation yet", cut.Markup);
    }

    [Fact]
    public void A_stored_embedding_map_is_drawn_with_the_point_picture_known()
    {
        const string json = """{"x":[0,1,2],"y":[1,0,2],"labels":[0,1,1],"classNames":["a","b"],"isSketch":[true,false,false],"sets":["query","gallery","gallery"],"indices":[3,7,8]}""";
        var map = EmbeddingMapData.TryParse(json)!;
        Assert.Equal((ImageSetKind.Gallery, 7), map.ImageOf(1));
        Assert.Null(EmbeddingMapData.TryParse("""{"x":[0,1],"y":[1],"labels":[0,1]}""")); // lengths disagree

        var cut = Context.Render<EmbeddingMapPanel>(p => p.Add(m => m.RunId, 2).Add(m => m.MapJson, json));
        Assert.Empty(cut.FindAll(".no-map"));
        Assert.Contains("hover a point", cut.Markup);
    }
}
