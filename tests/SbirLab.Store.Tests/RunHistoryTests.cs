using System.IO.Compression;
using SbirLab.Core.Evaluations;
using SbirLab.Core.Runs;
using SbirLab.Store.Accounts;
using SbirLab.Store.Entities;

namespace SbirLab.Store.Tests;

/// <summary>The store as the run's one history: evaluations with their maps, provenance, figures on the run row, exports, old folders.</summary>
public sealed class RunHistoryTests : IDisposable
{
    private readonly TempStore _temp = new();
    private RunStore Store => _temp.Store;

    public void Dispose() => _temp.Dispose();

    private static readonly string[] Classes = ["bag", "shirt"];

    private static EmbeddingMapData Map(MapProjection projection, double shift) => new(projection, Classes,
        [new MapPoint(shift, 1, 0, true, ImageSetKind.Query, 3), new MapPoint(shift + 1, 0, 1, false, ImageSetKind.Gallery, 7)]);

    private const string Report = """{"run":"r","epochs":1,"report":{"queryCount":10,"galleryCount":250,"meanAveragePrecision":0.625,"mapAtR":0.5}}""";

    [Fact]
    public void An_evaluation_keeps_its_maps_one_per_projection_and_puts_its_gallery_size_and_map_on_the_run_row()
    {
        long id = Store.Queue(TempStore.Config("maps"));
        Assert.Null(Store.Find(id)!.GallerySize);

        Store.AddEvaluation(id, new EvaluationResult(Report, [Map(MapProjection.Tsne, 0), Map(MapProjection.Pca, 0)]));
        var run = Store.Find(id)!;
        Assert.Equal(250, run.GallerySize);
        Assert.Equal(0.625, run.EvaluationMap);
        Assert.Equal([MapProjection.Tsne, MapProjection.Pca], Store.Maps(id).Select(m => m.Projection));
        Assert.Equal(Map(MapProjection.Tsne, 0).Points, Store.Maps(id)[0].Points);

        // A map made later in the lab replaces the evaluation's map of its projection only.
        Store.SaveMap(id, Map(MapProjection.Pca, 5));
        Assert.Equal(2, Store.Maps(id).Count);
        Assert.Equal(5, Store.Maps(id).Single(m => m.Projection == MapProjection.Pca).Points[0].X);
        Assert.Equal(0, Store.Maps(id).Single(m => m.Projection == MapProjection.Tsne).Points[0].X);
    }

    [Fact]
    public void The_trainers_start_records_its_provenance_once_on_the_run_and_an_export_writes_the_history_as_the_store_holds_it()
    {
        long id = Store.Queue(TempStore.Config("export"));
        var provenance = RunProvenance.Capture() with { Seed = 1, Device = "cpu", DeviceName = "test cpu", LibTorch = "bundled" };
        var observer = new StoreObserver(Store, id);
        observer.OnStart(new RunStart("cpu", 0, 0, 1, 2, 2, 8, "test") { Provenance = provenance });
        observer.OnStep(new StepMetrics(0, 0, new Dictionary<string, double> { ["loss"] = 2 }));
        observer.OnStep(new StepMetrics(1, 0, new Dictionary<string, double> { ["loss"] = 1 }));
        observer.OnEpoch(new EpochMetrics(0, 2, new Dictionary<string, double> { ["loss"] = 1.5, ["map"] = 0.625 }));
        observer.OnLog("epoch 1/1");
        observer.OnEvaluation(new EvaluationResult(Report, [Map(MapProjection.Tsne, 0)]));
        observer.OnFinish(new RunOutcome(RunStatus.Completed, "completed", 2, 1, null));

        var run = Store.Find(id)!;
        Assert.Equal(provenance.CodeCommit, run.CodeCommit);
        Assert.Equal(provenance, RunProvenance.FromJson(run.ProvenanceJson!)! with { Packages = provenance.Packages });
        Assert.Contains(ProvenanceTable.Of(run), item => item.Label == "device name" && item.Value == "test cpu");

        string zipPath = Path.Combine(_temp.Root, "out", "run.zip");
        new RunExporter(Store).ExportRun(Caller.DataFolderOwner, id, zipPath);
        using var zip = ZipFile.OpenRead(zipPath);
        string Text(string name) => new StreamReader(zip.GetEntry(name)!.Open()).ReadToEnd();
        Assert.Equal(RunExporter.MetricsCsv(Store.Metrics(id, MetricKind.Step), MetricKind.Step), Text("metrics-steps.csv"));
        Assert.Equal("epoch,step,name,value\n0,2,loss,1.5\n0,2,map,0.625\n", Text("metrics-epochs.csv"));
        Assert.Equal(Report, Text("eval.json"));
        Assert.Equal(Map(MapProjection.Tsne, 0).Points, EmbeddingMapData.FromJson(Text("embedding-map-tsne.json")).Points);
        Assert.Equal(run.ProvenanceJson, Text("provenance.json"));
        Assert.Equal(run.ConfigJson, Text("config.json"));
        Assert.EndsWith(" epoch 1/1\n", Text("log.txt"));
    }

    [Fact]
    public void A_resumed_run_is_told_the_figures_stored_before_its_restart_and_not_those_past_it()
    {
        long id = Store.Queue(TempStore.Config("resume"));
        var first = new StoreObserver(Store, id);
        first.OnStart(new RunStart("cpu", 0, 0, 2, 3, 6, 8, "test"));
        for (long step = 0; step < 5; step++) first.OnStep(new StepMetrics(step, (int)(step / 3), new Dictionary<string, double> { ["loss"] = step }));
        first.OnEpoch(new EpochMetrics(0, 3, new Dictionary<string, double> { ["loss"] = 1 }));
        first.OnFinish(new RunOutcome(RunStatus.Stopped, "killed", 5, 1, null));

        var second = new StoreObserver(Store, id);
        var restart = new RunStart("cpu", 1, 3, 2, 3, 6, 8, "test"); // the checkpoint at the end of epoch 1
        second.OnStart(restart);
        var history = second.HistoryBefore(restart);
        Assert.Equal([0L, 1, 2], history.Steps.Select(s => s.Step));
        Assert.Equal([0], history.Epochs.Select(e => e.Epoch));
        Assert.Equal(2, history.Steps[^1].Values["loss"]);
    }

    [Fact]
    public void A_folder_written_before_the_store_kept_the_history_is_imported_once_when_the_store_opens()
    {
        long id = Store.Queue(TempStore.Config("old layout"));
        var folder = _temp.Data.RunFolder(id).Create();
        File.WriteAllText(folder.StepMetrics, "step,epoch,name,value\n0,0,loss,2.5\n0,0,lr,0.1\n1,0,loss,1.5\n1,0,lr,0.1\n2,0,lo"); // cut by a kill
        File.WriteAllText(folder.EpochMetrics, "epoch,step,name,value\n0,2,loss,2\n0,2,map,0.625\n");
        File.WriteAllText(folder.Log, "2026-11-30T10:00:00.123Z start: device cpu\n2026-11-30T10:00:05.000Z finished: completed after 2 steps: completed\n");
        File.WriteAllText(folder.Eval, Report);
        File.WriteAllText(folder.Provenance, """{"codeCommit":"abc123","dirtyTree":true,"seed":1,"device":"cpu","deviceName":"old cpu","host":"old-host","os":"Linux","runtime":"10.0.0","packages":{"TorchSharp":"0.107.0"}}""");
        File.WriteAllText(Path.Combine(folder.Root, "embedding-map.json"),
            """{"classNames":["bag","shirt"],"pcaExplainedVariance":[0.7,0.2],"points":[{"set":"query","index":3,"label":1,"domain":"sketch","tsneX":1.5,"tsneY":-2,"pcaX":0.1,"pcaY":0.2},{"set":"gallery","index":7,"label":0,"domain":"photo","tsneX":-0.5,"tsneY":4,"pcaX":0.3,"pcaY":0.4}]}""");
        File.WriteAllText(Path.Combine(folder.Root, "embedding-map-ui.json"),
            """{"x":[9,8],"y":[7,6],"labels":[0,1],"classNames":["bag","shirt"],"isSketch":[false,true],"sets":["gallery","query"],"indices":[7,3],"projection":"pca"}""");

        using (var reopened = _temp.OpenAnother()) { }
        using var store = _temp.OpenAnother(); // a second opening imports nothing more

        Assert.Equal([2.5, 0.1, 1.5, 0.1], store.Metrics(id, MetricKind.Step).OrderBy(p => p.Step).ThenBy(p => p.Name, StringComparer.Ordinal).Select(p => p.Value!.Value));
        Assert.Equal(0.625, store.Metrics(id, MetricKind.Epoch).Single(p => p.Name == "map").Value);
        var log = store.Log(id);
        Assert.Equal(["start: device cpu", "finished: completed after 2 steps: completed"], log.Select(l => l.Text));
        Assert.Equal(new DateTime(2026, 11, 30, 10, 0, 5, DateTimeKind.Utc), DateTime.SpecifyKind(log[1].Time, DateTimeKind.Utc));
        Assert.Equal(Report, Assert.Single(store.Evaluations(id)).ReportJson);
        var run = store.Find(id)!;
        Assert.Equal((250, 0.625), (run.GallerySize!.Value, run.EvaluationMap!.Value));
        var provenance = RunProvenance.FromJson(run.ProvenanceJson!)!;
        Assert.Equal(("abc123", true, "old cpu"), (provenance.CodeCommit!, provenance.CodeDirty!.Value, provenance.DeviceName!));

        var maps = store.Maps(id);
        Assert.Equal([MapProjection.Tsne, MapProjection.Pca], maps.Select(m => m.Projection));
        Assert.Equal([new MapPoint(1.5, -2, 1, true, ImageSetKind.Query, 3), new MapPoint(-0.5, 4, 0, false, ImageSetKind.Gallery, 7)], maps[0].Points);
        // The lab's map, made on request after the evaluation, wins over the engine's PCA view.
        Assert.Equal([new MapPoint(9, 7, 0, false, ImageSetKind.Gallery, 7), new MapPoint(8, 6, 1, true, ImageSetKind.Query, 3)], maps[1].Points);
    }
}
