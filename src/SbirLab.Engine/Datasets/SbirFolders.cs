using SbirLab.Core.Configs;
using SbirLab.Core.Runs;
using SbirLab.Engine.Datasets.Folders;
using SbirLab.Engine.Imaging;
using SbirLab.Engine.Models;

namespace SbirLab.Engine.Datasets;

/// <summary>
/// Real SBIR data on disk (seed 000): training sketches and photos (one folder per class, or list
/// files) with classes matched across domains by name, and a Flickr15K-style evaluation set of sketch
/// queries and a photo gallery. Images are decoded once into caches under the data folder.
/// </summary>
public static class SbirFolders
{
    public static DataBundle Load(RunConfig config, Action<string>? log = null)
    {
        if (config.Data.TestShare > 0) return LoadHeldOut(config, log);
        var data = config.Data;
        var (options, normalisation) = Preprocessing(config);
        var (train, trainClasses) = data.Domain != TrainingDomain.Both
            ? OneDomain(data, options, normalisation, log)
            : BothDomains(data, options, normalisation, log);
        var evaluation = LoadEvaluation(config, null);
        log?.Invoke($"data: {train.Skipped + Skipped(evaluation)} unreadable images skipped");
        string trained = data.Domain switch
        {
            TrainingDomain.Sketch => $"{train.Count} training sketches alone",
            TrainingDomain.Photo => $"{train.Count} training photos alone",
            TrainingDomain.Both => $"{train.Count} training images",
        };
        string description = $"folders: {trained} ({trainClasses} classes); {evaluation.Description}";
        return new DataBundle(train, evaluation, description) { TrainClasses = trainClasses };
    }

    /// <summary>Sketches and photos of the classes both domains have, with one label space (the siamese network's training set).</summary>
    private static (CachedImageSet Train, int Classes) BothDomains(DataConfig data, PreprocessOptions options, ImageNormalisation normalisation, Action<string>? log)
    {
        var training = CrossDomainDataset.Open(Existing("data.trainSketches", data.TrainSketches), Existing("data.trainPhotos", data.TrainPhotos));
        if (training.Classes.Count == 0)
            throw new InvalidDataException($"no class appears in both {data.TrainSketches} and {data.TrainPhotos}; class folder names must match (case, spaces and underscores are ignored)");
        log?.Invoke($"data: {training.Classes.Count} training classes in both domains" +
            (training.SketchOnlyClasses.Count + training.PhotoOnlyClasses.Count > 0 ? $" ({training.SketchOnlyClasses.Count} sketch-only, {training.PhotoOnlyClasses.Count} photo-only left out)" : ""));
        var train = new CachedImageSet(
            [(Cache("train-sketches", training.SketchItems, options), Domain.Sketch), (Cache("train-photos", training.PhotoItems, options), Domain.Photo)],
            normalisation);
        return (train, training.Classes.Count);
    }

    /// <summary>One domain's training images with their own classes (pretraining that domain's backbone, e.g. on Eitz sketches).</summary>
    private static (CachedImageSet Train, int Classes) OneDomain(DataConfig data, PreprocessOptions options, ImageNormalisation normalisation, Action<string>? log)
    {
        bool sketches = data.Domain == TrainingDomain.Sketch;
        var set = sketches
            ? ImageFolderDataset.Open(Existing("data.trainSketches", data.TrainSketches))
            : ImageFolderDataset.Open(Existing("data.trainPhotos", data.TrainPhotos));
        log?.Invoke($"data: {set.Classes.Count} training classes, {(sketches ? "sketches" : "photos")} alone");
        var domain = sketches ? Domain.Sketch : Domain.Photo;
        var train = new CachedImageSet([(Cache(sketches ? "train-sketches" : "train-photos", set.ToLabelled(), options), domain)], normalisation);
        return (train, set.Classes.Count);
    }

    /// <summary>
    /// A set with no test split (data.testShare): each class's sketches and photos split with the seed; the held-out
    /// sketches are the queries and the held-out photos the gallery, and the rest (of the domains data.domain names) trains.
    /// </summary>
    private static DataBundle LoadHeldOut(RunConfig config, Action<string>? log)
    {
        var (options, normalisation) = Preprocessing(config);
        var (split, classes) = HeldOut(config);
        var parts = new List<(PreprocessedCache, Domain)>();
        if (config.Data.Domain != TrainingDomain.Photo) parts.Add((Cache("train-sketches", split.Sketches.Train, options), Domain.Sketch));
        if (config.Data.Domain != TrainingDomain.Sketch) parts.Add((Cache("train-photos", split.Photos.Train, options), Domain.Photo));
        var train = new CachedImageSet(parts, normalisation);
        var evaluation = HeldOutEvaluation(config, split, classes);
        log?.Invoke($"data: {config.Data.TestShare:P0} of every class held out for evaluation (seed {config.Seed}): " +
            $"{split.Sketches.Test.Count} sketches and {split.Photos.Test.Count} photos; {train.Skipped + Skipped(evaluation)} unreadable images skipped");
        string description = $"folders: {train.Count} training images ({classes.Count} classes, {config.Data.Domain.Name()}); {evaluation.Description}";
        return new DataBundle(train, evaluation, description) { TrainClasses = classes.Count };
    }

    private sealed record DomainSplit(IReadOnlyList<LabelledImage> Train, IReadOnlyList<LabelledImage> Test);

    private sealed record FolderSplit(DomainSplit Sketches, DomainSplit Photos);

    /// <summary>The training folders' listing split by <see cref="HeldOutSplit"/> (no image is decoded here).</summary>
    private static (FolderSplit Split, IReadOnlyList<string> Classes) HeldOut(RunConfig config)
    {
        var data = config.Data;
        var training = CrossDomainDataset.Open(Existing("data.trainSketches", data.TrainSketches), Existing("data.trainPhotos", data.TrainPhotos));
        if (training.Classes.Count == 0)
            throw new InvalidDataException($"no class appears in both {data.TrainSketches} and {data.TrainPhotos}; class folder names must match (case, spaces and underscores are ignored)");
        var (sketchTrain, sketchTest) = HeldOutSplit.Split(training.SketchItems, data.TestShare, config.Seed, (int)Domain.Sketch);
        var (photoTrain, photoTest) = HeldOutSplit.Split(training.PhotoItems, data.TestShare, config.Seed, (int)Domain.Photo);
        return (new FolderSplit(new DomainSplit(sketchTrain, sketchTest), new DomainSplit(photoTrain, photoTest)), training.Classes);
    }

    private static EvaluationSets HeldOutEvaluation(RunConfig config, FolderSplit split, IReadOnlyList<string> classes)
    {
        var (options, normalisation) = Preprocessing(config);
        var queries = new CachedImageSet([(Cache("eval-queries", split.Sketches.Test, options), Domain.Sketch)], normalisation);
        var gallery = new CachedImageSet([(Cache("eval-gallery", split.Photos.Test, options), Domain.Photo)], normalisation);
        return new EvaluationSets(queries, gallery, null, classes,
            $"{queries.Count} held-out sketch queries against {gallery.Count} held-out photos ({classes.Count} classes, data.testShare {config.Data.TestShare:0.##})");
    }

    /// <summary>The evaluation queries and gallery only; the training images are not decoded (a held-out split lists their folders).</summary>
    public static EvaluationSets LoadEvaluation(RunConfig config, Action<string>? log = null)
    {
        var data = config.Data;
        if (data.TestShare > 0)
        {
            var (split, classes) = HeldOut(config);
            var heldOut = HeldOutEvaluation(config, split, classes);
            log?.Invoke($"evaluation data: {Skipped(heldOut)} unreadable images skipped");
            return heldOut;
        }
        var evaluation = EvaluationSet.Open(Existing("data.evalQueries", data.EvalQueries), Existing("data.evalGallery", data.EvalGallery));
        var (options, normalisation) = Preprocessing(config);
        var queries = new CachedImageSet([(Cache("eval-queries", evaluation.Queries, options), Domain.Sketch)], normalisation);
        var gallery = new CachedImageSet([(Cache("eval-gallery", evaluation.Gallery, options), Domain.Photo)], normalisation);
        var sets = new EvaluationSets(queries, gallery, null, evaluation.Classes,
            $"{queries.Count} sketch queries against {gallery.Count} photos ({evaluation.Classes.Count} classes)");
        log?.Invoke($"evaluation data: {Skipped(sets)} unreadable images skipped");
        return sets;
    }

    private static (PreprocessOptions Options, ImageNormalisation Normalisation) Preprocessing(RunConfig config) =>
        (new PreprocessOptions { Size = config.Model.ImageSize, Channels = config.Model.InputChannels, Fit = FitMode.Pad },
            config.Model.InputChannels == 3 ? ImageNormalisation.ImageNet : ImageNormalisation.ImageNetGrey);

    private static int Skipped(EvaluationSets sets) => ((CachedImageSet)sets.Queries).Skipped + ((CachedImageSet)sets.Gallery).Skipped;

    private static PreprocessedCache Cache(string name, IReadOnlyList<LabelledImage> items, PreprocessOptions options)
    {
        if (items.Count == 0) throw new InvalidDataException($"{name}: no images found");
        var caches = CacheFolder.Current;
        var key = Convert.ToHexString(PreprocessedCache.ComputeKey(items, options))[..16].ToLowerInvariant();
        string path = Path.Combine(caches.Root, $"{name}-{key}{CacheFolder.Extension}");
        if (File.Exists(path)) CacheFolder.Touch(path);
        else caches.MakeRoom(path, CacheFolder.EstimateBytes(items.Count, options.Channels, options.Size));
        return PreprocessedCache.OpenOrBuild(path, items, options);
    }

    private static string Existing(string field, string? path) =>
        path is not null && (Directory.Exists(path) || File.Exists(path))
            ? path
            : throw new ConfigException([new ConfigError(field, path ?? "null",
                "an existing folder (one sub-folder per class) or list file (path<TAB>class); download the data set and point this field at it")]);
}
