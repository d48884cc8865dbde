using SbirLab.Core.Configs;
using SbirLab.Core.Runs;
using SbirLab.Engine.Datasets;
using SbirLab.Engine.Search;
using SbirLab.Engine.Training;

namespace SbirLab.Engine.Tests.Search;

/// <summary>
/// A small FashionMNIST pseudo-sketch run, trained once for a test class, with its searcher opened: the CPU twin
/// experiments/sbir/fm-sketch-triplet.json cut to one epoch of 75 PK batches over 6,000 training photos, with one
/// weight-shared network trained by Adam. (Measured on this machine: the template's two-branch network with SGD
/// reaches only mAP 0.16–0.28 in 75 steps, the shared one with Adam 0.66, chance being 0.1.) Its gallery is the 9,000
/// test photos outside the query subset of 100 per class.
/// </summary>
public sealed class TrainedSketchRun : IDisposable
{
    public static readonly string[] Overrides =
    [
        "model.siamese=shared", "optimizer.name=adam", "optimizer.learningRate=0.003", "optimizer.momentum=0",
        "training.epochs=1", "training.maxStepsPerEpoch=150", "data.trainLimit=6000",
        "evaluation.queries=100", "evaluation.mapPoints=0",
    ];

    public TrainedSketchRun()
    {
        Config = ConfigJson.Load(Path.Combine(RepoPaths.Root, "experiments", "sbir", "fm-sketch-triplet.json"), Overrides);
        Folder = new RunFolder(RepoPaths.TempFolder("sketch-run"));
        var recorder = new Training.TinyRuns.Recorder();
        Outcome = Trainer.Run(ConfigValidator.ForStart(Config), Folder, recorder, null, CancellationToken.None);
        Map = recorder.Map;
        Searcher = SketchSearcher.Open(Folder.Root);
        Test = FashionMnist.Load("test");
        QuerySubset = Seed004Protocol.Subset(Test.Labels, Config.Evaluation.PerClass, Config.Seed);
    }

    public RunConfig Config { get; }

    /// <summary>The run's mAP from its final evaluation.</summary>
    public double Map { get; }
    public RunFolder Folder { get; }
    public RunOutcome Outcome { get; }
    public SketchSearcher Searcher { get; }
    public FashionMnistSplit Test { get; }

    /// <summary>The test images the run held out of its gallery (its query subset).</summary>
    public int[] QuerySubset { get; }

    public void Dispose()
    {
        Searcher.Dispose();
        try { Directory.Delete(Folder.Root, recursive: true); }
        catch (IOException) { /* the temp folder is cleaned later */ }
    }
}
