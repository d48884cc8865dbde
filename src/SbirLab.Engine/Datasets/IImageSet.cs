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

    /// <summary>A float32 batch [B, C, S, S] on the CPU, normalised for the model: <see cref="ToTensor"/> of <see cref="BatchPixels"/>.</summary>
    torch.Tensor Batch(ReadOnlySpan<int> indices, Augmentation? augmentation = null);

    /// <summary>
    /// The batch's images as CHW bytes [B, C, S, S], augmented: managed memory only, so a prefetch thread can build
    /// it without allocating in libtorch's (glibc's) heap. Tensors made on one thread and freed on another left
    /// the heap fragmented: the trainer's resident memory grew by about 3 MiB a step.
    /// </summary>
    byte[] BatchPixels(ReadOnlySpan<int> indices, Augmentation? augmentation = null);

    /// <summary>Normalises CHW bytes from <see cref="BatchPixels"/> into a float32 tensor [B, C, S, S] on the CPU.</summary>
    torch.Tensor ToTensor(byte[] pixels);

    /// <summary>The raw image as grey or RGB bytes (HWC), for pictures of ranked results.</summary>
    byte[] Pixels(int index);
}

/// <summary>Training-time augmentation of a batch, with the random source of that step (so a resumed run repeats it).</summary>
public sealed record Augmentation(TrainAugmenter Augmenter, Random Random);
