using SbirLab.Core.Configs;
using SbirLab.Core.Curves;
using SbirLab.Engine.Training;
using SbirLab.Store.Accounts;
using SbirLab.Web.Services;

namespace SbirLab.Web.Tests.Services;

public sealed class CompareTests : IDisposable
{
    private readonly TestLab _lab = new();

    [Fact]
    public void Config_rows_list_every_field_and_mark_those_that_differ()
    {
        var a = _lab.Triplet("loss.margin=0.2");
        var b = _lab.Triplet("loss.margin=0.3", "name=\"other\"");

        var all = ConfigComparison.Rows([a, b]);
        var differences = ConfigComparison.Rows([a, b], onlyDifferences: true);

        Assert.Equal(ConfigComparison.Flatten(a).Count, all.Count);
        Assert.Equal(["name", "loss.margin"], differences.Select(r => r.Field));
        Assert.Equal(["0.2", "0.3"], differences.Single(r => r.Field == "loss.margin").Values);
        Assert.False(all.Single(r => r.Field == "model.backbone").Differs);
        Assert.Equal("[1,5,10,50]", ConfigComparison.Flatten(a)["evaluation.precisionAtK"]);
    }

    [Fact]
    public void The_best_of_each_column_is_the_highest_score_or_the_lowest_loss()
    {
        var table = FinalMetrics.Build(
        [
            new FinalFigures(1, "a", new Dictionary<string, double> { ["map"] = 0.70, ["loss"] = 0.30, ["p@10"] = 0.5 }),
            new FinalFigures(2, "b", new Dictionary<string, double> { ["map"] = 0.75, ["loss"] = 0.40 }),
            new FinalFigures(3, "c", new Dictionary<string, double> { ["map"] = 0.75, ["loss"] = 0.35, ["p@10"] = 0.4 }),
        ]);

        int map = Column(table, "map"), loss = Column(table, "loss"), p10 = Column(table, "p@10");
        Assert.Equal([false, true, true], Best(table, map));   // a tie marks both
        Assert.Equal([true, false, false], Best(table, loss)); // lower is better
        Assert.Equal([true, false, false], Best(table, p10));  // b has no value: neither best nor counted
        Assert.True(map < p10 && p10 < loss);                   // retrieval first, then training figures
        Assert.Equal("P@10", table.Columns[p10].Title);
    }

    [Fact]
    public void A_column_only_one_run_has_marks_nothing()
    {
        var table = FinalMetrics.Build(
        [
            new FinalFigures(1, "a", new Dictionary<string, double> { ["map"] = 0.7 }),
            new FinalFigures(2, "b", new Dictionary<string, double>()),
        ]);
        Assert.False(table.IsBest(0, 0));
    }

    [Fact]
    public void Final_figures_come_from_the_evaluation_report_over_the_last_epoch()
    {
        var evaluation = TestLab.Evaluation();
        var history = new MetricHistory();
        history.AddEpoch(0, 10, new Dictionary<string, double> { ["map"] = 0.1, ["loss"] = 0.5, ["epoch_seconds"] = 3 });
        history.AddEpoch(1, 20, new Dictionary<string, double> { ["map"] = 0.2, ["loss"] = 0.4, ["epoch_seconds"] = 4 });

        var figures = FinalMetrics.Of(1, "a", history.EpochValues(), evaluation).Values;

        Assert.Equal(evaluation.Report!.MeanAveragePrecision, figures["map"]);
        Assert.Equal(evaluation.Report.PrecisionAtK.Single(p => p.K == 5).Value, figures["p@5"]);
        Assert.Equal(0.4, figures["loss"]);
        Assert.Equal(7.0, figures["train_seconds"]); // 3 s + 4 s
    }

    [Fact]
    public void A_one_shot_runs_final_figures_are_its_scorers_accuracies_in_the_table_and_in_the_store()
    {
        var file = TestLab.OneShotEvaluation();
        file = file with { Summary = RunEvaluator.Figures(file) };

        var figures = FinalMetrics.Of(1, "koch", new MetricHistory().EpochValues(), file).Values;

        Assert.Equal(0.75, figures["pair_one_shot_2way"]);
        Assert.Equal(0.5, figures["nn_one_shot_2way"]);
        Assert.Equal(7.0 / 9, figures["pair_auc"], 12);
        Assert.False(figures.ContainsKey("map"));
        // The store keeps the same figures from the eval.json text alone (runs show, the CSV export).
        long id = _lab.CompletedRun(_lab.Triplet(), [0.5], file);
        var stored = SbirLab.Store.EvaluationParts.Figures(_lab.Store.Evaluations(id).Single().SummaryJson);
        Assert.Equal(0.75, stored["pair_one_shot_2way"]);
        Assert.Equal(7.0 / 9, stored["nn_auc"], 12);
    }

    [Fact]
    public async Task Compare_loader_skips_missing_runs_and_overlays_one_line_per_run()
    {
        long a = _lab.CompletedRun(_lab.Triplet("loss.margin=0.2"), [0.5, 0.6]);
        long b = _lab.CompletedRun(_lab.Triplet("loss.margin=0.3"), [0.4, 0.7]);
        var runs = new CompareLoader(_lab.Reader).Load(Caller.DataFolderOwner, CompareLoader.ParseIds($"{a}, 999, {b},{a}"));

        Assert.Equal([a, b], runs.Select(r => r.Id));
        var loader = new CompareLoader(_lab.Reader);
        var overlay = await loader.OverlayAsync(Caller.DataFolderOwner, runs, MetricChoice.Parse("epoch:map"), 0, CurveWindow.Whole);
        Assert.Equal(2, overlay.Count);
        Assert.Equal([0.4, 0.7], overlay[1].Y);
        // Step metrics: each run's raw curve (faint) and its smoothed curve.
        var steps = await loader.OverlayAsync(Caller.DataFolderOwner, runs, MetricChoice.Parse("step:loss"), 0.5, CurveWindow.Whole);
        Assert.Equal(4, steps.Count);
        Assert.Equal(2, steps.Count(l => l.Faint));
        Assert.Equal(Enumerable.Range(0, 20).Select(s => (double)s), steps[0].X);   // 20 steps: fewer than 2 a pixel, drawn whole
        Assert.Equal(1.0 / 20, steps[0].Y[^1]);
        // A zoom on steps 4-11 at 2 pixels: buckets of 4 (steps 4-7, 8-11); the loss falls, so each bucket's max is its
        // first step and its min its last; plus the neighbours 3 and 12.
        var zoomed = await loader.OverlayAsync(Caller.DataFolderOwner, runs, MetricChoice.Parse("step:loss"), 0, new CurveWindow(4, 11, 2));
        Assert.Equal([3.0, 4, 7, 8, 11, 12], zoomed[0].X);
        Assert.Equal(["loss"], runs[0].StepNames); // the step curves stay in the store until drawn
        Assert.Contains(CompareLoader.Choices(runs), c => c.Key == "epoch:map");
    }

    [Fact]
    public async Task A_step_overlay_is_smoothed_once_over_every_point_and_zooms_reuse_the_held_curve()
    {
        long a = _lab.CompletedRun(_lab.Triplet("loss.margin=0.2"), [0.5, 0.6]);
        var runs = new CompareLoader(_lab.Reader).Load(Caller.DataFolderOwner, [a]);
        var (x, y, smoothed) = await _lab.Reader.SmoothedCurveAsync(Caller.DataFolderOwner, runs[0].Record, SbirLab.Store.Entities.MetricKind.Step, "loss", 0.5);

        Assert.Equal(SbirLab.Engine.Reports.ExponentialSmoothing.Ema(y, 0.5), smoothed);
        var again = await _lab.Reader.SmoothedCurveAsync(Caller.DataFolderOwner, runs[0].Record, SbirLab.Store.Entities.MetricKind.Step, "loss", 0.5);
        Assert.Same(smoothed, again.Smoothed); // held, not smoothed again
        Assert.Same(x, again.X);

        // A zoom on steps 8-11 (wide enough to keep every step): the smoothed line carries the average of all earlier steps.
        var zoomed = await new CompareLoader(_lab.Reader).OverlayAsync(Caller.DataFolderOwner, runs, MetricChoice.Parse("step:loss"), 0.5, new CurveWindow(8, 11, 600));
        Assert.Equal([7.0, 8, 9, 10, 11, 12], zoomed[1].X);
        Assert.Equal(smoothed[7..13], zoomed[1].Y);
        Assert.Equal(y[7..13], zoomed[0].Y);
    }

    [Fact]
    public async Task Past_the_raw_curve_limit_a_step_overlay_draws_one_smoothed_line_per_run_and_says_so()
    {
        var ids = Enumerable.Range(0, CompareLoader.RawCurvesUpTo + 1).Select(i => _lab.CompletedRun(_lab.Triplet($"seed={i}"), [0.5, 0.6])).ToList();
        var loader = new CompareLoader(_lab.Reader);
        var many = loader.Load(Caller.DataFolderOwner, ids);
        var few = loader.Load(Caller.DataFolderOwner, ids.Take(CompareLoader.RawCurvesUpTo));
        var loss = MetricChoice.Parse("step:loss");

        // Up to the limit: each run's faint raw curve and its smoothed curve.
        var both = await loader.OverlayAsync(Caller.DataFolderOwner, few, loss, 0.5, CurveWindow.Whole);
        Assert.Equal(2 * CompareLoader.RawCurvesUpTo, both.Count);
        Assert.Equal(CompareLoader.RawCurvesUpTo, both.Count(l => l.Faint));
        Assert.Null(CompareLoader.OverlayNote(few.Count, loss, 0.5));

        // One past it: the smoothed curves only, one per run in its colour, and the chart's note says the raw ones are hidden.
        var smoothedOnly = await loader.OverlayAsync(Caller.DataFolderOwner, many, loss, 0.5, CurveWindow.Whole);
        Assert.Equal(many.Select(r => r.Label), smoothedOnly.Select(l => l.Name));
        Assert.DoesNotContain(smoothedOnly, l => l.Faint);
        Assert.Equal(Enumerable.Range(0, many.Count).Select(ChartLines.ColorOf), smoothedOnly.Select(l => l.Color));
        var (_, y, smoothed) = await _lab.Reader.SmoothedCurveAsync(Caller.DataFolderOwner, many[0].Record, SbirLab.Store.Entities.MetricKind.Step, "loss", 0.5);
        Assert.Equal(smoothed, smoothedOnly[0].Y);
        Assert.NotEqual(y, smoothedOnly[0].Y);
        Assert.Contains($"Raw curves hidden above {CompareLoader.RawCurvesUpTo} runs", CompareLoader.OverlayNote(many.Count, loss, 0.5));

        // A zoom still refines every smoothed line at full resolution for its window (steps 8-11 and their neighbours).
        var zoomed = await loader.OverlayAsync(Caller.DataFolderOwner, many, loss, 0.5, new CurveWindow(8, 11, 600));
        Assert.Equal(many.Count, zoomed.Count);
        Assert.All(zoomed, l => Assert.Equal([7.0, 8, 9, 10, 11, 12], l.X));
        Assert.Equal(smoothed[7..13], zoomed[0].Y);

        // Unsmoothed, the raw curve is the line itself (one per run at any count), and epoch metrics have no raw curve: no note.
        var raw = await loader.OverlayAsync(Caller.DataFolderOwner, many, loss, 0, CurveWindow.Whole);
        Assert.Equal(many.Count, raw.Count);
        Assert.Equal(y, raw[0].Y);
        Assert.Null(CompareLoader.OverlayNote(many.Count, loss, 0));
        Assert.Null(CompareLoader.OverlayNote(many.Count, MetricChoice.Parse("epoch:map"), 0.5));
    }

    private static int Column(MetricsTable table, string key) => table.Columns.ToList().FindIndex(c => c.Key == key);

    private static bool[] Best(MetricsTable table, int column) =>
        Enumerable.Range(0, table.Lines.Count).Select(l => table.IsBest(l, column)).ToArray();

    public void Dispose() => _lab.Dispose();
}
