using SbirLab.Core.Configs;
using SbirLab.Engine.Imaging;
using SbirLab.Engine.Models;

namespace SbirLab.Engine.Datasets;

/// <summary>
/// What a run is evaluated on: the queries, the gallery they are ranked against, each query's own position in
/// the gallery when it is a gallery item too (seed 004), the class names, and a line saying what they are.
/// </summary>
public sealed record EvaluationSets(
    IImageSet Queries,
    IImageSet Gallery,
    long[]? QuerySelfIndex,
    IReadOnlyList<string> ClassNames,
    string Description) : IDisposable
{
    public void Dispose()
    {
        foreach (var set in new[] { Queries, Gallery }.Distinct())
            (set as IDisposable)?.Dispose();
    }
}

/// <summary>What a run trains on and how it is evaluated.</summary>
public sealed record DataBundle(IImageSet Train, EvaluationSets Evaluation, string Description) : IDisposable
{
    /// <summary>Classes of the training set (the classifier's width); evaluation may use another class list.</summary>
    public int TrainClasses { get; init; } = Evaluation.ClassNames.Count;

    public void Dispose()
    {
        if (!ReferenceEquals(Train, Evaluation.Queries) && !ReferenceEquals(Train, Evaluation.Gallery))
            (Train as IDisposable)?.Dispose();
        Evaluation.Dispose();
    }
}

/// <summary>Builds a run's <see cref="DataBundle"/> from its config.</summary>
public static class DataBundles
{
    public const float FashionMnistMean = 0.2860f;
    public const float FashionMnistStd = 0.3530f;

    /// <summary>Loads a run's training set and evaluation sets.</summary>
    public static DataBundle Load(RunConfig config, Action<string>? log = null) => config.Data.Dataset switch
    {
        DatasetKind.FashionMnist => FashionMnistPhotos(config),
        DatasetKind.FashionMnistSketch => FashionMnistSketches(config),
        DatasetKind.Folders => SbirFolders.Load(config, log),
    };

    /// <summary>
    /// Loads a run's evaluation sets only: the training split is never read (no training images, no
    /// pseudo-sketches drawn, no training cache built), for whatever uses a trained run.
    /// </summary>
    public static EvaluationSets LoadEvaluation(RunConfig config, Action<string>? log = null) => config.Data.Dataset switch
    {
        DatasetKind.FashionMnist => config.Data.HasClassSplit
            ? HeldOutClassPool(config, FashionMnist.Load("test", config.Data.Root))
            : FashionMnistPhotoEvaluation(config, FashionMnist.Load("test", config.Data.Root)),
        DatasetKind.FashionMnistSketch => FashionMnistSketchEvaluation(config, FashionMnist.Load("test", config.Data.Root)),
        DatasetKind.Folders => SbirFolders.LoadEvaluation(config, log),
    };

    /// <summary>
    /// Seed 004: train on the training split, query the test subset against itself. With a class split (seed 001):
    /// train on the images of data.trainClasses alone, their labels renumbered 0…n−1 in the list's order (the
    /// classifier's width), and evaluate one-shot on the held-out classes' test images.
    /// </summary>
    private static DataBundle FashionMnistPhotos(RunConfig config)
    {
        var train = FashionMnist.Load("train", config.Data.Root);
        var test = FashionMnist.Load("test", config.Data.Root);
        if (!config.Data.HasClassSplit)
        {
            var evaluation = FashionMnistPhotoEvaluation(config, test);
            var trainSet = Photos(train, TrainSubset(train.Count, config.Data.TrainLimit, config.Seed));
            return new DataBundle(trainSet, evaluation, $"FashionMNIST: {trainSet.Count} training images; {evaluation.Description}");
        }
        var classes = config.Data.TrainClasses;
        var candidates = Enumerable.Range(0, train.Count).Where(i => classes.Contains((int)train.Labels[i])).ToArray();
        var taken = TrainSubset(candidates.Length, config.Data.TrainLimit, config.Seed).Select(i => candidates[i]).ToArray();
        var position = classes.Select((c, i) => (c, i)).ToDictionary(p => (long)p.c, p => (long)p.i);
        var splitSet = Photos(train, taken, label => position[label]);
        var pool = HeldOutClassPool(config, test);
        string names = string.Join(", ", classes.Select(c => FashionMnist.ClassNames[c]));
        return new DataBundle(splitSet, pool, $"FashionMNIST class split: {splitSet.Count} training images of {classes.Count} classes ({names}); {pool.Description}")
        {
            TrainClasses = classes.Count,
        };
    }

    /// <summary>The classes a class split holds out of training (FashionMNIST's others, in label order).</summary>
    public static int[] HeldOutClasses(DataConfig data) =>
        [.. Enumerable.Range(0, FashionMnist.ClassNames.Length).Where(c => !data.TrainClasses.Contains(c))];

    /// <summary>
    /// Seed 001's evaluation images: the seed-004 test subset (evaluation.perClass a class, seeded order) cut to the
    /// held-out classes, original labels kept; one-shot episodes and verification pairs are drawn from it (it is both
    /// the queries and the gallery, so thumbnails and sketch search read it like any evaluation set).
    /// </summary>
    private static EvaluationSets HeldOutClassPool(RunConfig config, FashionMnistSplit test)
    {
        var heldOut = HeldOutClasses(config.Data).Select(c => (long)c).ToHashSet();
        var pool = Seed004Protocol.Subset(test.Labels, config.Evaluation.PerClass, config.Seed).Where(i => heldOut.Contains(test.Labels[i])).ToArray();
        var set = Photos(test, pool);
        var self = Enumerable.Range(0, pool.Length).Select(i => (long)i).ToArray();
        string names = string.Join(", ", heldOut.Order().Select(c => FashionMnist.ClassNames[c]));
        return new EvaluationSets(set, set, self, FashionMnist.ClassNames,
            $"one-shot on {heldOut.Count} held-out classes ({names}): {pool.Length} test images, {config.Evaluation.PerClass} per class");
    }

    /// <summary>Seed 004's protocol: the first queries of the seeded test subset, ranked against the subset (each query left out of its own ranking).</summary>
    private static EvaluationSets FashionMnistPhotoEvaluation(RunConfig config, FashionMnistSplit test)
    {
        var subset = Seed004Protocol.Subset(test.Labels, config.Evaluation.PerClass, config.Seed);
        var gallery = Photos(test, subset);
        int queryCount = Math.Min(config.Evaluation.Queries, subset.Length);
        var queries = Photos(test, subset[..queryCount]);
        var self = Enumerable.Range(0, queryCount).Select(i => (long)i).ToArray();
        return new EvaluationSets(queries, gallery, self, FashionMnist.ClassNames,
            $"{queryCount} queries against a {gallery.Count}-image test subset ({config.Evaluation.PerClass} per class)");
    }

    /// <summary>
    /// Cross-domain SBIR that fits a CPU: training photos with their pseudo-sketches (a photo and its
    /// sketch are one PK "item"), or one domain alone (<c>data.domain</c>, to pretrain a branch); the
    /// pseudo-sketches of the seed-004 test subset as queries against the other test photos, so no
    /// query's own photo is in the gallery. <c>data.sketchStyle</c> picks traced edges or drawn sketches.
    /// </summary>
    private static DataBundle FashionMnistSketches(RunConfig config)
    {
        var train = FashionMnist.Load("train", config.Data.Root);
        var style = new PseudoSketchStyle(config.Data.SketchStyle, config.Seed);
        var evaluation = FashionMnistSketchEvaluation(config, FashionMnist.Load("test", config.Data.Root));
        var trainIndices = TrainSubset(train.Count, config.Data.TrainLimit, config.Seed);
        var trainSet = config.Data.Domain switch
        {
            TrainingDomain.Sketch => Sketches(train, trainIndices, style, "train"),
            TrainingDomain.Photo => Photos(train, trainIndices),
            TrainingDomain.Both => GreyImageSet.Concat(Photos(train, trainIndices), Sketches(train, trainIndices, style, "train"), itemsShared: true),
        };
        string trained = config.Data.Domain switch
        {
            TrainingDomain.Sketch => $"{trainSet.Count} training sketches ({style.Name}) alone",
            TrainingDomain.Photo => $"{trainSet.Count} training photos alone",
            TrainingDomain.Both => $"{trainSet.Count} training images ({trainIndices.Length} photos + their {style.Name} sketches)",
        };
        return new DataBundle(trainSet, evaluation, $"FashionMNIST pseudo-sketches: {trained}; {evaluation.Description}");
    }

    /// <summary>The pseudo-sketches (in the run's style) of the seed-004 test subset as queries against the other test photos.</summary>
    private static EvaluationSets FashionMnistSketchEvaluation(RunConfig config, FashionMnistSplit test)
    {
        var style = new PseudoSketchStyle(config.Data.SketchStyle, config.Seed);
        var subset = Seed004Protocol.Subset(test.Labels, config.Evaluation.PerClass, config.Seed);
        var queryIndices = subset[..Math.Min(config.Evaluation.Queries, subset.Length)];
        var inSubset = subset.ToHashSet();
        var galleryIndices = Enumerable.Range(0, test.Count).Where(i => !inSubset.Contains(i)).ToArray();
        var queries = Sketches(test, queryIndices, style, "test");
        var gallery = Photos(test, galleryIndices);
        return new EvaluationSets(queries, gallery, null, FashionMnist.ClassNames,
            $"{queries.Count} {style.Name} sketch queries against {gallery.Count} other test photos");
    }

    /// <summary>How pseudo-sketches are made: traced edges, or drawn ones seeded by the run's seed, the split and the image.</summary>
    public sealed record PseudoSketchStyle(SketchStyleKind Kind, int Seed)
    {
        /// <summary>"edges" or "drawn".</summary>
        public string Name => Kind.Name();

        public byte[] Render(byte[] grey, int width, int height, int size, string split, int index) => Kind == SketchStyleKind.Drawn
            ? DrawnSketch.FromImage(grey, width, height, size, new Random(StableSeed.Derive(Seed, split == "test" ? 1 : 0, index)))
            : PseudoSketch.FromImage(grey, width, height, size);
    }

    internal static GreyImageSet Sketches(FashionMnistSplit split, int[] indices, PseudoSketchStyle style, string splitName)
    {
        int pixels = split.Height * split.Width;
        var bytes = new byte[indices.Length * pixels];
        Parallel.For(0, indices.Length, i =>
        {
            var sketch = style.Render(split.Image(indices[i]).ToArray(), split.Width, split.Height, split.Height, splitName, indices[i]);
            sketch.CopyTo(bytes.AsSpan(i * pixels, pixels));
        });
        var labels = indices.Select(i => split.Labels[i]).ToArray();
        var domains = Enumerable.Repeat(Domain.Sketch, indices.Length).ToArray();
        return new GreyImageSet(bytes, split.Height, labels, domains, Enumerable.Range(0, indices.Length).ToArray(), FashionMnistMean, FashionMnistStd);
    }

    internal static int[] TrainSubset(int count, int limit, int seed)
    {
        var all = Enumerable.Range(0, count).ToArray();
        if (limit <= 0 || limit >= count) return all;
        new Random(seed ^ 0x5eed).Shuffle(all);
        var taken = all[..limit];
        Array.Sort(taken);
        return taken;
    }

    /// <summary>The photos of <paramref name="indices"/>, their labels as the split has them or renumbered by <paramref name="relabel"/>.</summary>
    public static GreyImageSet Photos(FashionMnistSplit split, int[] indices, Func<long, long>? relabel = null)
    {
        int pixels = split.Height * split.Width;
        var bytes = new byte[indices.Length * pixels];
        var labels = new long[indices.Length];
        for (int i = 0; i < indices.Length; i++)
        {
            split.Image(indices[i]).CopyTo(bytes.AsSpan(i * pixels, pixels));
            labels[i] = relabel is null ? split.Labels[indices[i]] : relabel(split.Labels[indices[i]]);
        }
        var domains = Enumerable.Repeat(Domain.Photo, indices.Length).ToArray();
        var items = Enumerable.Range(0, indices.Length).ToArray();
        return new GreyImageSet(bytes, split.Height, labels, domains, items, FashionMnistMean, FashionMnistStd);
    }
}
