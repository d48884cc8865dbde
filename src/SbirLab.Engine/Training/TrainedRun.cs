using SbirLab.Core.Configs;
using SbirLab.Core.Runs;
using SbirLab.Engine.Datasets;
using SbirLab.Engine.Models;
using TorchSharp;
using static TorchSharp.torch;

namespace SbirLab.Engine.Training;

/// <summary>
/// A trained run opened for use (evaluation, sketch search, embedding maps, thumbnails): the config it was
/// trained with, its network in eval mode on the run's device, and its evaluation sets. The training set is
/// never read: opening a run costs its test images and its weights, not tens of thousands of training
/// images or pseudo-sketches.
/// </summary>
/// <remarks>
/// The network is built without its classifier (its width is a property of the training set, and embedding
/// never needs logits); every other tensor must come from the checkpoint. Pretrained weights and
/// <c>initFrom</c> are not loaded: the checkpoint holds everything the run learnt.
/// </remarks>
public sealed class TrainedRun : IDisposable
{
    private TrainedRun(RunConfig config, string checkpoint, SiameseNetwork model, EvaluationSets data, Device device)
    {
        Config = config;
        Checkpoint = checkpoint;
        Model = model;
        Data = data;
        Device = device;
        Bytes = ParameterBytes(model) + ImageBytes(data.Queries) + (ReferenceEquals(data.Queries, data.Gallery) ? 0 : ImageBytes(data.Gallery));
    }

    /// <summary>The exact config the run was trained with (from its checkpoint).</summary>
    public RunConfig Config { get; }

    /// <summary>The checkpoint file the weights came from.</summary>
    public string Checkpoint { get; }

    /// <summary>The embedding network, in eval mode, on <see cref="Device"/>.</summary>
    public SiameseNetwork Model { get; }

    /// <summary>The run's queries and gallery.</summary>
    public EvaluationSets Data { get; }

    /// <summary>Where the network runs.</summary>
    public Device Device { get; }

    /// <summary>The memory the run holds: its parameters and its evaluation images (as stored: one byte per pixel and channel).</summary>
    public long Bytes { get; }

    /// <summary>An evaluator of this run's network on its evaluation sets.</summary>
    public RunEvaluator Evaluator() => new(Config, Data, Device);

    /// <summary>Opens a run folder (its last checkpoint) or a checkpoint file; with <paramref name="roots"/> its data must lie inside them (<see cref="ConfigException"/> otherwise).</summary>
    /// <exception cref="FileNotFoundException">There is no checkpoint at <paramref name="path"/>.</exception>
    /// <exception cref="InvalidDataException">The file is not an SbirLab checkpoint, or does not fit the run's network.</exception>
    public static TrainedRun Open(string path, PathRoots? roots = null)
    {
        ArgumentNullException.ThrowIfNull(path);
        string checkpoint = File.Exists(path) ? path : RunFolder.FromPath(path).LastCheckpoint;
        if (!File.Exists(checkpoint)) throw new FileNotFoundException($"no checkpoint at {checkpoint}");
        var config = Checkpoints.Config(checkpoint);
        if (roots is not null) config = roots.Apply(config);
        var device = TorchRuntime.Resolve(config.Device);
        var data = DataBundles.LoadEvaluation(config);
        SiameseNetwork? model = null;
        try
        {
            model = SiameseNetwork.Create(ModelFactory.Options(config.Model, numClasses: 0));
            Checkpoints.LoadEmbeddingNetwork(checkpoint, model);
            model.to(device);
            model.eval();
            return new TrainedRun(config, checkpoint, model, data, device);
        }
        catch
        {
            model?.Dispose();
            data.Dispose();
            throw;
        }
    }

    private static long ParameterBytes(SiameseNetwork model) =>
        model.state_dict().Values.Sum(t => t.numel() * t.element_size());

    private static long ImageBytes(IImageSet set) => (long)set.Count * set.Channels * set.Size * set.Size;

    public void Dispose()
    {
        Model.Dispose();
        Data.Dispose();
    }
}
