using System.Globalization;
using SbirLab.Engine.Configs;
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

    public static CheckpointInfo Save(RunFolder folder, SiameseNetwork model, Optimizer optimizer, int epoch, int batchInEpoch, long step, RunConfig config)
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
        Directory.CreateDirectory(folder.Checkpoints);
        SafeTensors.Write(folder.LastCheckpoint, tensors, metadata);
        string path = folder.LastCheckpoint;
        if (batchInEpoch == 0 && epoch > 0)
        {
            path = folder.EpochCheckpoint(epoch);
            File.Copy(folder.LastCheckpoint, path, overwrite: true);
        }
        return new CheckpointInfo(path, epoch, batchInEpoch, step);
    }

    /// <summary>Where a checkpoint stands, read from its metadata alone.</summary>
    public static CheckpointInfo Describe(string path)
    {
        var contents = SafeTensors.Read(path);
        foreach (var t in contents.Tensors.Values) t.Dispose();
        return Position(path, contents.Metadata);
    }

    /// <summary>The config a checkpoint's run used.</summary>
    public static RunConfig Config(string path)
    {
        var contents = SafeTensors.Read(path);
        foreach (var t in contents.Tensors.Values) t.Dispose();
        return ConfigJson.ParseUnvalidated(contents.Metadata["config"]);
    }

    public static CheckpointInfo Restore(string path, SiameseNetwork model, Optimizer optimizer, Device device)
    {
        var contents = SafeTensors.Read(path);
        LoadModel(contents.Tensors, model, strict: true);
        var optimizerState = contents.Tensors.Where(kv => kv.Key.StartsWith(OptimizerPrefix, StringComparison.Ordinal))
            .ToDictionary(kv => kv.Key[OptimizerPrefix.Length..], kv => kv.Value);
        optimizer.LoadStateDict(optimizerState, device);
        foreach (var t in contents.Tensors.Values) t.Dispose();
        return Position(path, contents.Metadata);
    }

    /// <summary>Loads only the model weights (e.g. to start a triplet run from the classification run).</summary>
    public static string LoadModelOnly(string path, SiameseNetwork model)
    {
        var contents = SafeTensors.Read(path);
        var report = LoadModel(contents.Tensors, model, strict: false);
        foreach (var t in contents.Tensors.Values) t.Dispose();
        return report;
    }

    private static string LoadModel(Dictionary<string, Tensor> tensors, SiameseNetwork model, bool strict)
    {
        var report = StateDictLoader.Load(model, StateDictLoader.SelectPrefix(tensors, ModelPrefix));
        if (strict && !report.IsExact) throw new InvalidDataException("checkpoint does not fit the model: " + report.Describe());
        return report.Describe();
    }

    private static CheckpointInfo Position(string path, IReadOnlyDictionary<string, string> metadata)
    {
        if (!metadata.TryGetValue("format", out var format) || !format.StartsWith("sbirlab-checkpoint", StringComparison.Ordinal))
            throw new InvalidDataException($"{path} is not an SbirLab checkpoint");
        int Int(string key) => int.Parse(metadata[key], CultureInfo.InvariantCulture);
        return new CheckpointInfo(path, Int("epoch"), Int("batch_in_epoch"), long.Parse(metadata["step"], CultureInfo.InvariantCulture));
    }
}
