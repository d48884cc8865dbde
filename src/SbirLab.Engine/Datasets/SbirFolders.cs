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
        var data = config.Data;
        var training = CrossDomainDataset.Open(Existing("data.trainSketches", data.TrainSketches), Existing("data.trainPhotos", data.TrainPhotos));
        if (training.Classes.Count == 0)
            throw new InvalidDataException($"no class appears in both {data.TrainSketches} and {data.TrainPhotos}; class folder names must match (case, spaces and underscores are ignored)");
        var (options, normalisation) = Preprocessing(config);
        var train = new CachedImageSet(
            [(Cache("train-sketches", training.SketchItems, options), Domain.Sketch), (Cache("train-photos", training.PhotoItems, options), Domain.Photo)],
            normalisation);
        var evaluation = LoadEvaluation(config, null);
        log?.Invoke($"data: {training.Classes.Count} training classes in both domains" +
            (training.SketchOnlyClasses.Count + training.PhotoOnlyClasses.Count > 0 ? $" ({training.SketchOnlyClasses.Count} sketch-only, {training.PhotoOnlyClasses.Count} photo-only left out)" : "") +
            $"; {train.Skipped + Skipped(evaluation)} unreadable images skipped");
        string description = $"folders: {train.Count} training images ({training.Classes.Count} classes); {evaluation.Description}";
        return new DataBundle(train, evaluation, description) { TrainClasses = training.Classes.Count };
    }

    /// <summary>The evaluation queries and gallery only; the training folders are not read.</summary>
    public static EvaluationSets LoadEvaluation(RunConfig config, Action<string>? log = null)
    {
        var data = config.Data;
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
