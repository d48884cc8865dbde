using System.Globalization;
using SbirLab.Core.Configs;
using SbirLab.Core.Runs;
using SbirLab.Engine.Models;
using SbirLab.Engine.Weights;
using static TorchSharp.torch;

namespace SbirLab.Engine.Training;

/// <summary>
/// A checkpoint is one safetensors file: the model's state under "model.", the optimizer's under
/// "optimizer.", and where training stands (epoch, batch within it, global step) in its metadata.
/// Anyone can open it with the safetensors library.
/// </summary>
public static class Checkpoints
{
    private const string ModelPrefix = "model.";
    private const string OptimizerPrefix = "optimizer.";

    public static CheckpointInfo Save(RunFolder folder, SiameseNetwork model, Optimizer optimizer, int epoch, int batchInEpoch, long step, RunConfig config,
        EpochProgress? progress = null)
    {
        var tensors = new Dictionary<string, Tensor>();
        foreach (var (name, t) in model.state_dict()) tensors[ModelPrefix + name] = t;
        foreach (var (name, t) in optimizer.StateDict()) tensors[OptimizerPrefix + name] = t;
        var metadata = new Dictionary<string, string>
        {
            ["format"] = "sbirlab-checkpoint/1",
            ["epoch"] = epoch.ToString(CultureInfo.InvariantCulture),
            ["batch_in_epoch"] = batchInEpoch.ToString(CultureInfo.InvariantCulture),
            ["step"] = step.ToString(CultureInfo.InvariantCulture),
            ["config"] = ConfigJson.Serialize(config),
        };
        if (progress is not null) metadata["epoch_progress"] = System.Text.Json.JsonSerializer.Serialize(progress);
        Directory.CreateDirectory(folder.Checkpoints);
        // Written aside and moved into place (SafeTensors.Save, AtomicFile), so a crash mid-write never leaves a half checkpoint.
        SafeTensors.Save(folder.LastCheckpoint, tensors, metadata: metadata);
        string path = folder.LastCheckpoint;
        if (batchInEpoch == 0 && epoch > 0)
        {
            path = folder.EpochCheckpoint(epoch);
            AtomicFile.Copy(folder.LastCheckpoint, path);
        }
        return new CheckpointInfo(path, epoch, batchInEpoch, step) { Progress = progress };
    }

    /// <summary>Where a checkpoint stands, read from its metadata alone.</summary>
    public static CheckpointInfo Describe(string path) => Position(path, SafeTensors.ReadHeader(path).Metadata);

    /// <summary>The config a checkpoint's run used.</summary>
    public static RunConfig Config(string path)
    {
        var metadata = SafeTensors.ReadHeader(path).Metadata;
        Position(path, metadata);
        return ConfigJson.ParseUnvalidated(metadata["config"]);
    }

    public static CheckpointInfo Restore(string path, SiameseNetwork model, Optimizer optimizer, Device device)
    {
        var position = Describe(path);
        var tensors = SafeTensors.Load(path);
        LoadModelExactly(tensors, model);
        var optimizerState = tensors.Where(kv => kv.Key.StartsWith(OptimizerPrefix, StringComparison.Ordinal))
            .ToDictionary(kv => kv.Key[OptimizerPrefix.Length..], kv => kv.Value);
        optimizer.LoadStateDict(optimizerState, device);
        foreach (var t in tensors.Values) t.Dispose();
        return position;
    }

    /// <summary>
    /// Loads only the model weights (e.g. to start a triplet run from the classification run) and reports what did
    /// not fit; the caller decides whether a partial load is acceptable (<see cref="WeightLoadCheck"/>).
    /// </summary>
    public static ImportReport LoadModelOnly(string path, SiameseNetwork model)
    {
        Describe(path);
        var tensors = SafeTensors.Load(path);
        try
        {
            return StateDictImporter.Apply(model, tensors, ModelPrefix);
        }
        finally
        {
            foreach (var t in tensors.Values) t.Dispose();
        }
    }

    /// <summary>
    /// Loads a checkpoint's model tensors into a network built without its classifier (for embedding only):
    /// every tensor of the network must be there with its shape; the classifier's tensors are left over.
    /// </summary>
    /// <exception cref="InvalidDataException">The checkpoint does not fit the network.</exception>
    public static void LoadEmbeddingNetwork(string path, SiameseNetwork model)
    {
        Describe(path);
        var tensors = SafeTensors.Load(path);
        try
        {
            var report = StateDictImporter.Apply(model, tensors, ModelPrefix);
            if (report.MissingExceptBatchCounters.Count > 0 || report.Mismatched.Count > 0)
                throw new InvalidDataException("checkpoint does not fit the model: " + report.ToText());
        }
        finally
        {
            foreach (var t in tensors.Values) t.Dispose();
        }
    }

    private static void LoadModelExactly(Dictionary<string, Tensor> tensors, SiameseNetwork model)
    {
        var report = StateDictImporter.Apply(model, tensors, ModelPrefix);
        if (!report.IsComplete) throw new InvalidDataException("checkpoint does not fit the model: " + report.ToText());
    }

    private static CheckpointInfo Position(string path, IReadOnlyDictionary<string, string> metadata)
    {
        if (!metadata.TryGetValue("format", out var format) || !format.StartsWith("sbirlab-checkpoint", StringComparison.Ordinal))
            throw new InvalidDataException($"{path} is not an SbirLab checkpoint");
        int Int(string key) => int.Parse(metadata[key], CultureInfo.InvariantCulture);
        var progress = metadata.TryGetValue("epoch_progress", out var json) ? System.Text.Json.JsonSerializer.Deserialize<EpochProgress>(json) : null;
        return new CheckpointInfo(path, Int("epoch"), Int("batch_in_epoch"), long.Parse(metadata["step"], CultureInfo.InvariantCulture)) { Progress = progress };
    }
}
