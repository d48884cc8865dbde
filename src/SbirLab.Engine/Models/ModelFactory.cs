using SbirLab.Core.Configs;
using SbirLab.Engine.Training;
using SbirLab.Engine.Weights;
using SbirLab.Core.Runs;

namespace SbirLab.Engine.Models;

/// <summary>Builds a run's network from its config and loads the weights it asks for.</summary>
public static class ModelFactory
{
    public static SiameseOptions Options(ModelConfig model, int numClasses) => new(
        SketchBackbone: model.Backbone,
        TwoBranch: model.Siamese == SiameseKind.TwoBranch,
        UseHead: model.EmbeddingHead,
        HiddenDim: model.HiddenDim,
        EmbeddingDim: model.EmbeddingDim,
        NumClasses: numClasses,
        InputChannels: model.InputChannels);

    public static SiameseNetwork Create(RunConfig config, int numClasses, Action<string> log)
    {
        var model = SiameseNetwork.Create(Options(config.Model, numClasses));
        if (config.Model.PretrainedSketch is { } sketch) LoadBackbone(model, Domain.Sketch, sketch, log);
        if (config.Model.PretrainedPhoto is { } photo) LoadBackbone(model, Domain.Photo, photo, log);
        if (config.Model.InitFrom is { } init) InitFrom(model, init, log);
        return model;
    }

    private static void LoadBackbone(SiameseNetwork model, Domain domain, string path, Action<string> log)
    {
        var tensors = WeightFiles.Read(path);
        var report = model.LoadBackboneState(domain, tensors);
        log($"{domain.ToString().ToLowerInvariant()} backbone from {path}: {report.ToText()}");
    }

    /// <summary>Starts from another run's weights (its last checkpoint, or a given checkpoint file).</summary>
    private static void InitFrom(SiameseNetwork model, string path, Action<string> log)
    {
        string file = Directory.Exists(path) ? new RunFolder(path).LastCheckpoint : path;
        if (!File.Exists(file)) throw new FileNotFoundException($"model.initFrom: no checkpoint at {file}; train that run first");
        var report = Checkpoints.LoadModelOnly(file, model);
        log($"initialised from {file}: {report}");
    }
}
