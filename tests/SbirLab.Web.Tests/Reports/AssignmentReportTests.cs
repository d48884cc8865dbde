using System.Globalization;
using AngleSharp.Dom;
using AngleSharp.Html.Parser;
using SbirLab.Core.Runs;
using SbirLab.Engine.Reports;
using SbirLab.Engine.Training;
using SbirLab.Runs.Reports;
using SbirLab.Store;
using SbirLab.Store.Accounts;
using SbirLab.Store.Entities;

namespace SbirLab.Web.Tests.Reports;

/// <summary>
/// Two tiny FashionMNIST triplet runs trained for real by the engine into one store (team blue and team red),
/// differing in exactly three config fields; trained once for the report tests.
/// </summary>
public sealed class TrainedReportRuns : IDisposable
{
    /// <summary>A run name a browser would run as script if it were not escaped.</summary>
    public const string HostileName = "<script>alert('x')</script> & \"b\"";

    /// <summary>The fields that differ between the two runs, as --set names them.</summary>
    public static readonly string[] DifferingFields = ["name", "loss.margin", "optimizer.learningRate"];

    private static readonly string[] Tiny =
    [
        "training.epochs=2", "training.maxStepsPerEpoch=6", "data.trainLimit=600",
        "evaluation.perClass=10", "evaluation.queries=20", "evaluation.mapPoints=60",
    ];

    public TrainedReportRuns()
    {
        Blue = Lab.Team("blue");
        Red = Lab.Team("red");
        A = Train(Blue, "report-a", "loss.margin=0.2", "optimizer.learningRate=0.05");
        B = Train(Red, HostileName, "loss.margin=0.5", "optimizer.learningRate=0.02");
    }

    public TestLab Lab { get; } = new();
    public long Blue { get; }
    public long Red { get; }
    public long A { get; }
    public long B { get; }

    public ReportService Reports => new(Lab.Store, new AssignmentReport());

    private long Train(long team, string name, params string[] overrides)
    {
        var config = Lab.Triplet([.. Tiny, .. overrides]) with { Name = name };
        var (id, outcome) = Lab.Service.RunInForeground(config, new EngineRunExecutor(), new RunOptions(TeamId: team));
        if (outcome.Status != RunStatus.Completed) throw new InvalidOperationException("the report's test run did not complete: " + outcome.Message);
        return id;
    }

    public void Dispose() => Lab.Dispose();
}

public sealed class AssignmentReportTests(TrainedReportRuns runs) : IClassFixture<TrainedReportRuns>
{
    private readonly string _html = runs.Reports.Html(Caller.DataFolderOwner, [runs.A, runs.B]);

    private IDocument Document => new HtmlParser().ParseDocument(_html);

    [Fact]
    public void The_configs_table_lists_exactly_the_fields_that_differ_with_each_runs_value()
    {
        var rows = Document.QuerySelectorAll("table.configs tbody tr");
        Assert.Equal(TrainedReportRuns.DifferingFields.Order(), rows.Select(r => r.GetAttribute("data-field")!).Order());
        var margin = rows.Single(r => r.GetAttribute("data-field") == "loss.margin").QuerySelectorAll("td").Select(td => td.TextContent).ToList();
        Assert.Equal(["loss.margin", "0.2", "0.5"], margin);
        var name = rows.Single(r => r.GetAttribute("data-field") == "name").QuerySelectorAll("td").Select(td => td.TextContent).ToList();
        Assert.Equal(["name", "report-a", TrainedReportRuns.HostileName], name); // the text, as text
    }

    [Fact]
    public void The_final_metrics_are_the_stores_figures_of_each_runs_evaluation_and_last_epoch()
    {
        var document = Document;
        foreach (var id in new[] { runs.A, runs.B })
        {
            var evaluation = EvaluationParts.Figures(runs.Lab.Store.Evaluations(id).Last().SummaryJson);
            var lastEpoch = runs.Lab.Store.LatestMetrics(id, MetricKind.Epoch);
            Assert.Equal(evaluation["meanAveragePrecision"], Value(document, "map", id));
            Assert.Equal(evaluation["mapAtR"], Value(document, "map_at_r", id));
            Assert.Equal(evaluation["precisionAtK@5"], Value(document, "p@5", id));
            Assert.Equal(lastEpoch["loss"], Value(document, "loss", id));
            Assert.True(evaluation["meanAveragePrecision"] is > 0 and <= 1);
        }
        // The best mAP of the two is the one marked.
        var maps = document.QuerySelectorAll("tr[data-metric='map'] td[data-value]").ToList();
        var best = maps.MaxBy(td => double.Parse(td.GetAttribute("data-value")!, CultureInfo.InvariantCulture))!;
        Assert.Equal([best], maps.Where(td => td.ClassList.Contains("best")));
    }

    [Fact]
    public void The_report_is_self_contained_every_picture_embedded_and_no_reference_leaves_the_file()
    {
        var document = Document;
        Assert.Empty(document.QuerySelectorAll("link, iframe, object, embed, script[src]"));
        var sources = document.QuerySelectorAll("[src]").Select(e => e.GetAttribute("src")!).ToList();
        Assert.All(sources, src => Assert.StartsWith("data:image/png;base64,", src));
        Assert.All(document.QuerySelectorAll("[href]").Select(e => e.GetAttribute("href")!), href => Assert.StartsWith("#", href));
        Assert.DoesNotContain("url(", _html, StringComparison.Ordinal);
        Assert.DoesNotContain("@import", _html, StringComparison.Ordinal);
        // Drawn here: loss, mAP, precision–recall and recall ratio overlaid; the engine's pictures of each run.
        var pictures = document.QuerySelectorAll("figure").Select(f => f.GetAttribute("data-picture")).ToList();
        Assert.Equal(["loss.png", "map.png", "precision-recall.png", "recall-ratio.png"], pictures.Take(4));
        foreach (var id in new[] { runs.A, runs.B })
        {
            var ofRun = document.QuerySelectorAll($".run-figures[data-run='{id}'] figure").Select(f => f.GetAttribute("data-picture")).ToList();
            Assert.Equal([RunPictures.RankedExamplesFile, RunEmbeddingMap.TsnePicture, RunEmbeddingMap.PcaPicture], ofRun);
            var ranked = document.QuerySelector($".run-figures[data-run='{id}'] figure[data-picture='{RunPictures.RankedExamplesFile}'] img")!.GetAttribute("src")!;
            var file = Path.Combine(runs.Lab.Store.Data.RunFolder(id).Pictures, RunPictures.RankedExamplesFile);
            Assert.Equal(Convert.ToBase64String(File.ReadAllBytes(file)), ranked["data:image/png;base64,".Length..]); // the engine's own picture
        }
        foreach (var img in document.QuerySelectorAll("img"))
            Assert.Equal([0x89, (byte)'P', (byte)'N', (byte)'G'], Convert.FromBase64String(img.GetAttribute("src")!["data:image/png;base64,".Length..])[..4]);
    }

    [Fact]
    public void User_strings_are_escaped_and_the_outline_sections_are_editable_placeholders()
    {
        Assert.DoesNotContain("<script>alert", _html, StringComparison.Ordinal);
        Assert.Contains("&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt; &amp; &quot;b&quot;", _html, StringComparison.Ordinal);
        var document = Document;
        Assert.Single(document.QuerySelectorAll("script")); // the page's own "save edited copy", nothing from a name
        Assert.Contains(TrainedReportRuns.HostileName, document.Title, StringComparison.Ordinal);
        var sections = document.QuerySelectorAll(".section-text").ToList();
        Assert.Equal(["abstract", "introduction", "development", "results", "conclusions"], sections.Select(s => s.GetAttribute("data-section")));
        Assert.All(sections, s => Assert.Equal("true", s.GetAttribute("contenteditable")));
        Assert.Equal(["1. Abstract", "2. Introduction", "3. Development", "4. Results and discussion", "5. Conclusions", "Appendix: provenance"],
            document.QuerySelectorAll("h2").Select(h => h.TextContent));
        var provenance = document.QuerySelectorAll("table.provenance tbody tr").ToDictionary(r => r.Children[0].TextContent, r => r.Children.Skip(1).Select(c => c.TextContent).ToList());
        Assert.Equal([runs.A.ToString(CultureInfo.InvariantCulture), runs.B.ToString(CultureInfo.InvariantCulture)], provenance["run id"]);
        Assert.Equal(runs.Lab.Store.Find(runs.A)!.Device, provenance["device"][0]);
    }

    [Fact]
    public void A_member_of_another_team_is_refused_the_private_run_and_gets_no_report_at_all()
    {
        var blue = new Caller("u-blue", "bea", LabRoles.Member, runs.Blue, "blue");
        var red = new Caller("u-red", "ray", LabRoles.Member, runs.Red, "red");
        var refused = Assert.Throws<KeyNotFoundException>(() => runs.Reports.Html(blue, [runs.A, runs.B]));
        Assert.Equal($"no run with id {runs.B}", refused.Message); // as if it did not exist
        Assert.Throws<KeyNotFoundException>(() => runs.Reports.Html(Caller.Anonymous, [runs.A]));
        Assert.Contains("report-a", runs.Reports.Html(blue, [runs.A]), StringComparison.Ordinal);
        var redReport = runs.Reports.Html(red, [runs.B]);
        Assert.DoesNotContain("report-a", redReport, StringComparison.Ordinal);
        Assert.Contains("&lt;script&gt;", redReport, StringComparison.Ordinal);
        Assert.Contains("report-a", runs.Reports.Html(new Caller("u-grader", "gus", LabRoles.Grader), [runs.A, runs.B]), StringComparison.Ordinal);
    }

    [Fact]
    public void With_Chromium_the_report_prints_to_a_pdf_of_several_pages()
    {
        if (!File.Exists(PdfPrinter.DefaultChromium)) throw new InvalidOperationException("this test needs Chromium (apt-get install -y chromium), as .ci/run installs");
        string pdf = Path.Combine(runs.Lab.Folder, "report.pdf");
        runs.Reports.Pdf(Caller.DataFolderOwner, [runs.A, runs.B], pdf);
        var bytes = File.ReadAllBytes(pdf);
        Assert.Equal("%PDF-"u8.ToArray(), bytes[..5]);
        int pages = System.Text.RegularExpressions.Regex.Matches(System.Text.Encoding.Latin1.GetString(bytes), @"/Type\s*/Page[^s]").Count;
        Assert.True(pages >= 3, $"{pages} pages");
    }

    private static double Value(IDocument document, string metric, long run) =>
        double.Parse(document.QuerySelector($"tr[data-metric='{metric}'] td[data-run='{run}']")!.GetAttribute("data-value")!, CultureInfo.InvariantCulture);
}
