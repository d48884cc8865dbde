namespace SbirLab.Core.Configs;

/// <summary>
/// A training set as the batch samplers count it: its images, how many are sketches (the pair sampler's anchors
/// in a cross-domain set), and whether a photo and its sketch share an item (then PK draws them as one item).
/// </summary>
public sealed record TrainingSetSize(int Images, int Sketches = 0, bool ItemsSpanDomains = false)
{
    /// <summary>Photos and sketches together: pairs anchor on sketches, PK draws from each domain.</summary>
    public bool CrossDomain => Sketches > 0 && Sketches < Images;
}

/// <summary>
/// Steps per epoch, in one place: the samplers count their batches with it, the trainer caps them with it, and
/// the new-run form's learning-rate preview predicts them with it from the data set a config names.
/// </summary>
public static class EpochSteps
{
    /// <summary>FashionMNIST's training split.</summary>
    public const int FashionMnistTrainImages = 60_000;

    /// <summary>Shuffle: batches without replacement; the last short batch is dropped.</summary>
    public static int Shuffle(int images, int batchSize) => images / batchSize;

    /// <summary>PK: as many batches as the set has images / batch images (at least one).</summary>
    public static int Pk(int images, int batchImages) => Math.Max(1, images / batchImages);

    /// <summary>Pairs: one pair per anchor image, <paramref name="pairsPerBatch"/> pairs a batch (at least one).</summary>
    public static int Pairs(int anchors, int pairsPerBatch) => Math.Max(1, anchors / pairsPerBatch);

    /// <summary>Images of a PK batch: n·m·l, from each domain when a cross-domain set's items do not span domains.</summary>
    public static int PkBatchImages(BatchConfig batch, TrainingSetSize set) =>
        batch.Classes * batch.Items * batch.ImagesPerItem * (set.CrossDomain && !set.ItemsSpanDomains ? 2 : 1);

    /// <summary>The batches the configured sampler draws in an epoch of <paramref name="set"/>.</summary>
    public static int Batches(BatchConfig batch, TrainingSetSize set) => batch.Sampler switch
    {
        SamplerKind.Shuffle => Shuffle(set.Images, batch.Size),
        SamplerKind.Pk => Pk(set.Images, PkBatchImages(batch, set)),
        SamplerKind.Pairs => Pairs(set.CrossDomain ? set.Sketches : set.Images, batch.Size),
    };

    /// <summary>The steps an epoch trains: the sampler's batches, capped by training.maxStepsPerEpoch (0: no cap).</summary>
    public static int Capped(TrainingConfig training, int batches) =>
        training.MaxStepsPerEpoch > 0 ? Math.Min(training.MaxStepsPerEpoch, batches) : batches;

    /// <summary>
    /// The training set a config will load, when its size is known before loading: FashionMNIST's photos (of
    /// data.trainClasses when set, up to data.trainLimit), with a pseudo-sketch of each for fashion-mnist-sketch (or one domain alone, as
    /// data.domain says); null for folder sets.
    /// </summary>
    public static TrainingSetSize? Expected(DataConfig data)
    {
        int available = data.HasClassSplit ? data.TrainClasses.Distinct().Count() * BuiltInDatasets.FashionMnistTrainImagesPerClass : FashionMnistTrainImages;
        int photos = data.TrainLimit > 0 ? Math.Min(data.TrainLimit, available) : available;
        return data.Dataset switch
        {
            DatasetKind.FashionMnist => new TrainingSetSize(photos),
            DatasetKind.FashionMnistSketch => data.Domain switch
            {
                TrainingDomain.Both => new TrainingSetSize(2 * photos, Sketches: photos, ItemsSpanDomains: true),
                TrainingDomain.Sketch => new TrainingSetSize(photos, Sketches: photos),
                TrainingDomain.Photo => new TrainingSetSize(photos),
            },
            DatasetKind.Folders => null,
        };
    }

    /// <summary>The steps an epoch of <paramref name="config"/> will train; null when the set's size is known only once it loads.</summary>
    public static int? Predict(RunConfig config) =>
        Expected(config.Data) is { } set ? Capped(config.Training, Batches(config.Batch, set)) : null;
}
