using SbirLab.Engine.Imaging;
using SbirLab.Engine.Models;
using TorchSharp;

namespace SbirLab.Engine.Datasets;

/// <summary>
/// A labelled set of images that can hand out model-ready batches. Labels are class indices shared
/// across domains; <see cref="ItemIds"/> groups images of one object (a photo and its sketches) for
/// the PK sampler's "items".
/// </summary>
public interface IImageSet
{
    int Count { get; }
    int Channels { get; }
    int Size { get; }
    IReadOnlyList<long> Labels { get; }
    IReadOnlyList<Domain> Domains { get; }
    IReadOnlyList<int> ItemIds { get; }

    /// <summary>A float32 batch [B, C, S, S] on the CPU, normalised for the model.</summary>
    torch.Tensor Batch(ReadOnlySpan<int> indices, Augmentation? augmentation = null);

    /// <summary>The raw image as grey or RGB bytes (HWC), for pictures of ranked results.</summary>
    byte[] Pixels(int index);
}

/// <summary>Training-time augmentation of a batch, with the random source of that step (so a resumed run repeats it).</summary>
public sealed record Augmentation(TrainAugmenter Augmenter, Random Random);
