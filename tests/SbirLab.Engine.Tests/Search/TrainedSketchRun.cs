using SbirLab.Engine.Configs;
using SbirLab.Engine.Datasets;
using SbirLab.Engine.Search;
using SbirLab.Engine.Training;

namespace SbirLab.Engine.Tests.Search;

/// <summary>
/// A small FashionMNIST pseudo-sketch run (the CPU twin experiments/sbir/fm-sketch-triplet.json cut to one epoch of
/// 150 PK batches over 6,000 training photos), trained once for a test class, with its searcher opened.
/// </summary>
public sealed class TrainedSketchRun : IDisposable
{
    public static readonly string[] Overrides =
        ["training.epochs=1", "training.maxStepsPerEpoch=150", "data.trainLimit=6000", "evaluation.queries=200", "evaluation.mapPoints=0"];

    public TrainedSketchRun()
    {
        Config = ConfigJson.Load(Path.Combine(RepoPaths.Root, "experiments", "sbir", "fm-sketch-triplet.json"), Overrides);
        Folder = new RunFolder(RepoPaths.TempFolder("sketch-run"));
        Outcome = Trainer.Run(Config, Folder, new TinyRunsRecorder(), null, CancellationToken.None);
        Searcher = SketchSearcher.Open(Folder.Root);
        Test = FashionMnist.Load("test");
        QuerySubset = Seed004Protocol.Subset(Test.Labels, Config.Evaluation.PerClass, Config.Seed);
    }

    public RunConfig Config { get; }
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

    private sealed class TinyRunsRecorder : ITrainingObserver;
}
