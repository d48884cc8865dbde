using SbirLab.Core.Reports;
using SbirLab.Core.Runs;
using SbirLab.Runs.Reports;
using SbirLab.Store;
using SbirLab.Store.Accounts;
using SbirLab.Store.Entities;

namespace SbirLab.Runs.Tests;

/// <summary>
/// The report service's own part: which runs reach the renderer (checked against the caller first, in the asked order,
/// once each) and what it gathers from the store. The engine's rendering is tested with real runs in SbirLab.Web.Tests.
/// </summary>
public sealed class ReportServiceTests : IDisposable
{
    private const int Epochs = 2;
    private const int StepsPerEpoch = 3;
    private readonly TempStore _temp = new();
    private readonly RunService _service;
    private readonly RecordingRenderer _renderer = new();
    private readonly long _blue, _red, _blueRun, _redRun;

    public ReportServiceTests()
    {
        _service = new RunService(_temp.Store);
        _blue = Team("blue");
        _red = Team("red");
        _blueRun = Train("blue-run", _blue);
        _redRun = Train("red-run", _red);
    }

    private ReportService Reports => new(_temp.Store, _renderer, new PdfPrinter("/nonexistent/chromium"));

    private Caller BlueMember => new("u-blue", "bea", LabRoles.Member, _blue, "blue");

    public void Dispose()
    {
        _service.Dispose();
        _temp.Dispose();
    }

    [Fact]
    public void The_renderer_gets_each_asked_run_once_in_order_with_its_stored_epoch_curve()
    {
        Reports.Html(Caller.DataFolderOwner, [_redRun, _blueRun, _redRun]);

        var runs = Assert.Single(_renderer.Calls);
        Assert.Equal([_redRun, _blueRun], runs.Select(r => r.Id));
        var red = runs[0];
        Assert.Equal(("red-run", "completed", "red"), (red.Name, red.Status, red.Team));
        // The executor's epoch loss is 1 / (last step): steps 3 and 6 after epochs 1 and 2, x being the 1-based epoch.
        Assert.Equal([1.0, 2.0], red.EpochCurves["loss"].X);
        Assert.Equal([1.0 / 3, 1.0 / 6], red.EpochCurves["loss"].Y);
        Assert.Equal(Epochs * StepsPerEpoch, red.StepLoss.X.Length);
    }

    [Fact]
    public void A_run_the_caller_may_not_read_is_refused_as_missing_and_nothing_is_rendered()
    {
        var refused = Assert.Throws<KeyNotFoundException>(() => Reports.Html(BlueMember, [_blueRun, _redRun]));

        Assert.Equal($"no run with id {_redRun}", refused.Message); // the same words as for a run that does not exist
        Assert.Equal($"no run with id 999", Assert.Throws<KeyNotFoundException>(() => Reports.Html(BlueMember, [999])).Message);
        Assert.Throws<KeyNotFoundException>(() => Reports.Html(Caller.Anonymous, [_blueRun]));
        Assert.Empty(_renderer.Calls);
        Reports.Html(new Caller("u-grader", "gus", LabRoles.Grader), [_blueRun, _redRun]); // a grader reads every team's
        Assert.Single(_renderer.Calls);
    }

    [Fact]
    public void No_run_or_more_than_the_limit_is_refused_naming_the_allowed_count()
    {
        var none = Assert.Throws<ArgumentException>(() => Reports.Html(Caller.DataFolderOwner, []));
        Assert.StartsWith($"runs: give 1 to {ReportService.MaxRuns} runs (got 0)", none.Message, StringComparison.Ordinal);
        var many = Assert.Throws<ArgumentException>(() => Reports.Html(Caller.DataFolderOwner, [.. Enumerable.Range(1, ReportService.MaxRuns + 1).Select(i => (long)i)]));
        Assert.StartsWith($"runs: give 1 to {ReportService.MaxRuns} runs (got {ReportService.MaxRuns + 1})", many.Message, StringComparison.Ordinal);
        Assert.Empty(_renderer.Calls);
    }

    [Fact]
    public void Without_Chromium_the_pdf_says_it_needs_Chromium_and_writes_nothing()
    {
        string pdf = Path.Combine(_temp.Root, "report.pdf");

        var error = Assert.Throws<PdfUnavailableException>(() => Reports.Pdf(Caller.DataFolderOwner, [_blueRun], pdf));

        Assert.StartsWith("PDF needs Chromium at /nonexistent/chromium", error.Message, StringComparison.Ordinal);
        Assert.False(File.Exists(pdf));
    }

    private long Team(string name)
    {
        using var db = _temp.Store.CreateContext();
        var team = new Team { Name = name, CreatedAt = DateTime.UtcNow };
        db.Teams.Add(team);
        db.SaveChanges();
        return team.Id;
    }

    private long Train(string name, long team)
    {
        var (id, outcome) = _service.RunInForeground(TempStore.Config(name), new ScriptedExecutor(Epochs, StepsPerEpoch), new RunOptions(TeamId: team));
        Assert.Equal(RunStatus.Completed, outcome.Status);
        return id;
    }

    /// <summary>Keeps what the service hands over; renders a placeholder page.</summary>
    private sealed class RecordingRenderer : IReportRenderer
    {
        public List<IReadOnlyList<ReportRun>> Calls { get; } = [];

        public IReadOnlyList<string> PictureNames => [];

        public string Html(IReadOnlyList<ReportRun> runs, DateTime generatedUtc)
        {
            Calls.Add(runs);
            return "<html><body>report</body></html>";
        }
    }
}
