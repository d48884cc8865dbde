using SbirLab.Runs.Reports;
using SbirLab.Store;

namespace SbirLab.Cli.Tests;

[Collection("cli")]
public class ReportCommandTests
{
    private static readonly string[] Tiny =
    [
        "--set", "training.epochs=1", "--set", "training.maxStepsPerEpoch=5", "--set", "data.trainLimit=500",
        "--set", "evaluation.perClass=10", "--set", "evaluation.queries=20", "--set", "evaluation.mapPoints=40",
    ];

    [Fact]
    public async Task ReportOfTwoTrainedStoreRunsWritesOneSelfContainedHtmlAndItsPdf()
    {
        string data = CliRunner.Temp("report");
        string template = Path.Combine(RepoPaths.Root, "experiments", "fashion-mnist", "triplet.json");
        foreach (var margin in new[] { "0.1", "0.3" })
        {
            var trained = await CliRunner.Run(["train", template, "--data", data, "--set", $"loss.margin={margin}", "--set", $"name=margin-{margin}", .. Tiny]);
            Assert.True(trained.ExitCode == 0, trained.Output);
        }
        string html = Path.Combine(data, "out", "report.html"), pdf = Path.Combine(data, "out", "report.pdf");

        var (code, output) = await CliRunner.Run("report", "#1", "margin-0.3", "--out", html, "--pdf", pdf, "--data", data);

        string text = File.ReadAllText(html);
        Assert.Contains("report of 2 run(s)", output);
        Assert.Contains("<tr data-field=\"loss.margin\"><td class=\"mono\">loss.margin</td><td class=\"mono\">0.1</td><td class=\"mono\">0.3</td></tr>", text);
        Assert.Contains("data-run=\"1\"", text);
        Assert.Contains("data-run=\"2\"", text);
        using (var store = RunStore.Open(new DataFolder(data)))
        {
            string map = EvaluationParts.Figures(store.Evaluations(2).Last().SummaryJson)["meanAveragePrecision"].ToString("R", System.Globalization.CultureInfo.InvariantCulture);
            Assert.Contains($"data-run=\"2\" data-value=\"{map}\"", text);
        }
        if (File.Exists(PdfPrinter.DefaultChromium))
        {
            Assert.True(code == 0, output);
            Assert.Equal("%PDF-"u8.ToArray(), File.ReadAllBytes(pdf)[..5]);
        }
        else
        {
            Assert.Equal(1, code); // the HTML is written; the PDF says what it needs
            Assert.Contains("PDF needs Chromium", output);
            Assert.False(File.Exists(pdf));
        }
    }

    [Fact]
    public async Task ReportOfARunThatIsNotThereNamesIt()
    {
        string data = CliRunner.Temp("report-missing");
        var (code, output) = await CliRunner.Run("report", "#7", "--out", Path.Combine(data, "r.html"), "--data", data);
        Assert.Equal(2, code);
        Assert.Contains("#7: no run of the store", output);
        Assert.False(File.Exists(Path.Combine(data, "r.html")));
    }
}
