using System.Globalization;

namespace SbirLab.Core.Configs;

/// <summary>
/// A config's memory before it runs: the batch's input and the activations kept for the backward pass
/// (images × size² × bytes per input pixel of the backbone), the data set held in memory, and the
/// network's parameters with their gradients and optimizer state. The per-pixel figures are deliberately
/// high (fp32, every activation kept): a refusal should never be a surprise at run time, and a run that fits
/// its estimate fits the host.
/// </summary>
public static class ResourceEstimate
{
    /// <summary>Bytes of activations kept for backward per input pixel (training, fp32): conservative upper figures.</summary>
    public static long BytesPerPixel(BackboneKind backbone) => backbone switch
    {
        BackboneKind.ConvNet => 1_000,   // three 32–64-channel convolutions at near full resolution, with their ReLUs and pools
        BackboneKind.ResNet18 => 800,    // ~40 MB an image at 224² (forward activations and their gradients)
        BackboneKind.ResNet34 => 1_200,  // ~60 MB an image at 224²
        BackboneKind.ResNet50 => 2_600,  // ~130 MB an image at 224² (bottleneck blocks keep 4× wider maps)
        BackboneKind.Koch => 2_000,      // 64–256-channel convolutions at 24² to 3² of a 28² input
        BackboneKind.Seed002 => 200,     // three 4–8-channel convolutions at full resolution, with ReLUs and BatchNorms
        _ => 2_600,
    };

    /// <summary>Parameters of the model's backbone; seed 002's first Linear grows with the square of model.imageSize.</summary>
    public static long Parameters(ModelConfig model) => model.Backbone == BackboneKind.Seed002
        ? 8L * model.ImageSize * model.ImageSize * 500 + 500 * 500 + 500 * 128
        : Parameters(model.Backbone);

    /// <summary>Parameters of the backbone (×4 bytes each, then ×4 for weights, gradients and two Adam moments).</summary>
    public static long Parameters(BackboneKind backbone) => backbone switch
    {
        BackboneKind.ConvNet => 30_000,
        BackboneKind.ResNet18 => 11_700_000,
        BackboneKind.ResNet34 => 21_800_000,
        BackboneKind.ResNet50 => 25_600_000,
        BackboneKind.Koch => 2_640_000,  // four convolutions and the 2,304 → 1,024 sigmoid layer
        _ => 25_600_000,
    };

    /// <summary>Images in one training batch (PK: n × m × l; pairs: two per pair), in long arithmetic.</summary>
    public static long BatchImages(BatchConfig batch) => batch.Sampler switch
    {
        SamplerKind.Pk => (long)batch.Classes * batch.Items * batch.ImagesPerItem,
        SamplerKind.Pairs => 2L * batch.Size,
        _ => batch.Size,
    };

    /// <summary>Training images of the built-in data sets (null for folders: they are counted when the run starts).</summary>
    public static long? TrainingImages(DataConfig data)
    {
        long available = data.HasClassSplit ? (long)data.TrainClasses.Distinct().Count() * BuiltInDatasets.FashionMnistTrainImagesPerClass : 60_000;
        long photos = data.TrainLimit > 0 ? Math.Min(data.TrainLimit, available) : available;
        return data.Dataset switch
        {
            DatasetKind.FashionMnist => photos,
            DatasetKind.FashionMnistSketch => 2 * photos, // each photo and its pseudo-sketch
            _ => null,
        };
    }

    /// <summary>Bytes the data set takes in memory (FashionMNIST's splits as bytes; folders are memory-mapped caches).</summary>
    public static long DatasetBytes(DataConfig data) => data.Dataset switch
    {
        DatasetKind.FashionMnist => 70_000L * 784,
        DatasetKind.FashionMnistSketch => 70_000L * 784 + 2L * 70_000 * 784,
        _ => 0,
    };

    /// <summary>The whole estimate, in bytes.</summary>
    public static long Bytes(RunConfig config)
    {
        // In doubles: the fields' own ranges allow products far beyond a long (PK 10,000³ at 1024²).
        double pixels = (double)config.Model.ImageSize * config.Model.ImageSize;
        double images = BatchImages(config.Batch);
        double input = images * config.Model.InputChannels * pixels * sizeof(float) * 3; // the decoded, augmented and normalised copies
        double activations = images * pixels * BytesPerPixel(config.Model.Backbone);
        int networks = config.Model.Siamese == SiameseKind.TwoBranch ? 2 : 1;
        double parameters = (double)networks * Parameters(config.Model) * sizeof(float) * 4;
        double total = input + activations + parameters + DatasetBytes(config.Data);
        return total >= long.MaxValue ? long.MaxValue : (long)total;
    }

    /// <summary>"12.3 GiB" / "850 MiB".</summary>
    public static string Format(long bytes) => bytes >= 1L << 30
        ? (bytes / (double)(1L << 30)).ToString("0.#", CultureInfo.InvariantCulture) + " GiB"
        : (bytes / (double)(1L << 20)).ToString("0", CultureInfo.InvariantCulture) + " MiB";
}
