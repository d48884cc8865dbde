using System.Reflection;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace SbirLab.Core.Configs;

// The closed choices of a run config. Each member's config name (kebab-case, as the JSON and the
// command line spell it) is its [JsonStringEnumMemberName]; OptionNames reads them from there, so the
// validator's messages, the web form's dropdowns and the JSON all come from the enum alone.

/// <summary>model.siamese: one network for both domains, or a sketch and a photo branch joined by shared layers.</summary>
/// <summary>loss.reduction: how an embedding loss combines its terms (triplets, pairs, anchors) into one scalar.</summary>
[JsonConverter(typeof(OptionConverter<LossReduction>))]
public enum LossReduction
{
    /// <summary>Average over all terms: the scale does not depend on the batch size or the number of mined terms.</summary>
    [JsonStringEnumMemberName("mean")] Mean,

    /// <summary>Plain sum, as the seeds write their totals (seed 004's Σ_a l(a)).</summary>
    [JsonStringEnumMemberName("sum")] Sum,

    /// <summary>Average over the active terms only (a positive hinge), so the gradient does not fade as most triplets are met.</summary>
    [JsonStringEnumMemberName("mean-active")] MeanActive,
}

[JsonConverter(typeof(OptionConverter<SiameseKind>))]
public enum SiameseKind
{
    /// <summary>One network embeds both domains (seeds 001, 002, 004).</summary>
    [JsonStringEnumMemberName("shared")] Shared,

    /// <summary>A sketch and a photo backbone joined by shared FC layers (seed 000).</summary>
    [JsonStringEnumMemberName("two-branch")] TwoBranch,

    /// <summary>Koch's pair classifier (seed 001): one shared network, |h1 − h2| → Linear → sigmoid says "same / different".</summary>
    [JsonStringEnumMemberName("koch")] Koch,
}

/// <summary>model.backbone.</summary>
[JsonConverter(typeof(OptionConverter<BackboneKind>))]
public enum BackboneKind
{
    /// <summary>Seed 004's small ConvNet.</summary>
    [JsonStringEnumMemberName("convnet")] ConvNet,
    [JsonStringEnumMemberName("resnet18")] ResNet18,
    [JsonStringEnumMemberName("resnet34")] ResNet34,
    [JsonStringEnumMemberName("resnet50")] ResNet50,

    /// <summary>Koch et al.'s convolutional branch (seed 001), its kernels and widths scaled to 28×28 inputs.</summary>
    [JsonStringEnumMemberName("koch")] Koch,

    /// <summary>Seed 002's network: three Conv → ReLU → BatchNorm blocks and three Linear layers, sized for model.imageSize.</summary>
    [JsonStringEnumMemberName("seed-002")] Seed002,
}

/// <summary>loss.embedding: the metric-learning term w_emb·L_emb (none: classification only).</summary>
[JsonConverter(typeof(OptionConverter<EmbeddingLossKind>))]
public enum EmbeddingLossKind
{
    [JsonStringEnumMemberName("none")] None,
    [JsonStringEnumMemberName("contrastive")] Contrastive,
    [JsonStringEnumMemberName("triplet")] Triplet,
    [JsonStringEnumMemberName("smooth-ap")] SmoothAp,

    /// <summary>Binary cross-entropy of the Koch pair head's "same / different" on the pair sampler's pairs (seed 001).</summary>
    [JsonStringEnumMemberName("binary-cross-entropy")] BinaryCrossEntropy,
}

/// <summary>loss.miner: which triplets of a batch the triplet loss sees.</summary>
[JsonConverter(typeof(OptionConverter<MinerKind>))]
public enum MinerKind
{
    /// <summary>The first k entries act as anchors, every valid (positive, negative) pair each (seed 004).</summary>
    [JsonStringEnumMemberName("batch-all")] BatchAll,

    /// <summary>Every entry is an anchor.</summary>
    [JsonStringEnumMemberName("all")] All,
    [JsonStringEnumMemberName("semi-hard")] SemiHard,
    [JsonStringEnumMemberName("hard")] Hard,
}

/// <summary>batch.sampler.</summary>
[JsonConverter(typeof(OptionConverter<SamplerKind>))]
public enum SamplerKind
{
    /// <summary>Batches drawn without replacement.</summary>
    [JsonStringEnumMemberName("shuffle")] Shuffle,

    /// <summary>n classes × m items × l images.</summary>
    [JsonStringEnumMemberName("pk")] Pk,

    /// <summary>Pairs for the contrastive loss (a batch of B pairs holds 2B images).</summary>
    [JsonStringEnumMemberName("pairs")] Pairs,
}

/// <summary>optimizer.name.</summary>
[JsonConverter(typeof(OptionConverter<OptimizerKind>))]
public enum OptimizerKind
{
    [JsonStringEnumMemberName("sgd")] Sgd,
    [JsonStringEnumMemberName("adam")] Adam,
}

/// <summary>schedule.name.</summary>
[JsonConverter(typeof(OptionConverter<ScheduleKind>))]
public enum ScheduleKind
{
    [JsonStringEnumMemberName("cosine")] Cosine,
    [JsonStringEnumMemberName("constant")] Constant,
}

/// <summary>data.dataset.</summary>
[JsonConverter(typeof(OptionConverter<DatasetKind>))]
public enum DatasetKind
{
    /// <summary>FashionMNIST photos only (seed 004).</summary>
    [JsonStringEnumMemberName("fashion-mnist")] FashionMnist,

    /// <summary>FashionMNIST photos with a pseudo-sketch of each: sketch queries, photo gallery.</summary>
    [JsonStringEnumMemberName("fashion-mnist-sketch")] FashionMnistSketch,

    /// <summary>A real SBIR set in folders on disk.</summary>
    [JsonStringEnumMemberName("folders")] Folders,
}

/// <summary>data.domain: which domains the training set holds.</summary>
[JsonConverter(typeof(OptionConverter<TrainingDomain>))]
public enum TrainingDomain
{
    /// <summary>Sketches and photos (the siamese network's training set).</summary>
    [JsonStringEnumMemberName("both")] Both,

    /// <summary>Sketches alone (pretraining the sketch branch, e.g. on Eitz).</summary>
    [JsonStringEnumMemberName("sketch")] Sketch,

    /// <summary>Photos alone (pretraining the photo branch).</summary>
    [JsonStringEnumMemberName("photo")] Photo,
}

/// <summary>data.sketchStyle: how the FashionMNIST twin's pseudo-sketches are made.</summary>
[JsonConverter(typeof(OptionConverter<SketchStyleKind>))]
public enum SketchStyleKind
{
    /// <summary>The photo's traced edge map, pixel-aligned with it.</summary>
    [JsonStringEnumMemberName("edges")] Edges,

    /// <summary>Outline kept, interior strokes dropped at random, strokes jittered and of varied width, a small affine; seeded.</summary>
    [JsonStringEnumMemberName("drawn")] Drawn,
}

/// <summary>evaluation.index: the gallery index searches use by default.</summary>
[JsonConverter(typeof(OptionConverter<IndexKind>))]
public enum IndexKind
{
    [JsonStringEnumMemberName("exact")] Exact,
    [JsonStringEnumMemberName("hnsw")] Hnsw,
}

/// <summary>The config names of an option enum, read from its members' <see cref="JsonStringEnumMemberNameAttribute"/>.</summary>
public static class OptionNames
{
    /// <summary>Every value of <typeparamref name="T"/> in declaration order.</summary>
    public static IReadOnlyList<T> Values<T>() where T : struct, Enum => Enum.GetValues<T>();

    /// <summary>Every config name of <typeparamref name="T"/> in declaration order ("shuffle", "pk", "pairs").</summary>
    public static IReadOnlyList<string> Of<T>() where T : struct, Enum => Cache<T>.Names;

    /// <summary>The config names of an option enum known only at run time (the JSON reader's error messages).</summary>
    public static IReadOnlyList<string> Of(Type enumType) =>
        [.. Enum.GetNames(enumType).Select(member => MemberName(enumType, member))];

    /// <summary>The config name of a value: <c>SamplerKind.Pk</c> → "pk".</summary>
    public static string Name<T>(this T value) where T : struct, Enum => Cache<T>.Names[Array.IndexOf(Cache<T>.Values, value)];

    /// <summary>The config name of a value whose enum is known only at run time; null for an undefined number.</summary>
    public static string? NameOf(Enum value) =>
        Enum.IsDefined(value.GetType(), value) ? MemberName(value.GetType(), value.ToString()) : null;

    /// <summary>The value a config name stands for; false for a name the enum lacks (exact spelling, as in the JSON).</summary>
    public static bool TryParse<T>(string? name, out T value) where T : struct, Enum
    {
        int index = name is null ? -1 : Array.IndexOf(Cache<T>.Names, name);
        value = index >= 0 ? Cache<T>.Values[index] : default;
        return index >= 0;
    }

    /// <summary>"one of a, b, c": what a message says is allowed.</summary>
    public static string Allowed(Type enumType) => "one of " + string.Join(", ", Of(enumType));

    private static string MemberName(Type enumType, string member) =>
        enumType.GetField(member)?.GetCustomAttribute<JsonStringEnumMemberNameAttribute>()?.Name
        ?? throw new InvalidOperationException($"{enumType.Name}.{member} has no config name ([JsonStringEnumMemberName])");

    private static class Cache<T> where T : struct, Enum
    {
        public static readonly T[] Values = Enum.GetValues<T>();
        public static readonly string[] Names = [.. Values.Select(v => MemberName(typeof(T), v.ToString()))];
    }
}

/// <summary>
/// Writes and reads an option by its config name only: no integers (<c>"loss.miner": 2</c> is refused), no
/// other spelling. <see cref="ConfigJson"/> checks the names first, so a config's reader names every bad field.
/// </summary>
public sealed class OptionConverter<T> : JsonConverter<T> where T : struct, Enum
{
    public override T Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        if (reader.TokenType == JsonTokenType.String && OptionNames.TryParse<T>(reader.GetString(), out var value)) return value;
        throw new JsonException($"expected {OptionNames.Allowed(typeof(T))}");
    }

    public override void Write(Utf8JsonWriter writer, T value, JsonSerializerOptions options) => writer.WriteStringValue(value.Name());
}
