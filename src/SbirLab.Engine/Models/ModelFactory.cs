using SbirLab.Core.Configs;
using SbirLab.Core.Runs;
using SbirLab.Engine.Training;
using SbirLab.Engine.Weights;

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
        InputChannels: model.InputChannels,
        PairHead: model.Siamese == SiameseKind.Koch,
        ImageSize: model.ImageSize);

    /// <summary>
    /// The network, with the pretrained backbones and the <c>initFrom</c> weights the config names (paths by now: run
    /// references are resolved by the run store before training). Weights that leave tensors of the target unloaded
    /// fail the run with a <see cref="WeightLoadException"/> unless <see cref="ModelConfig.AllowPartialLoad"/>.
    /// </summary>
    public static SiameseNetwork Create(RunConfig config, int numClasses, Action<string> log)
    {
        var model = SiameseNetwork.Create(Options(config.Model, numClasses));
        try
        {
            bool partial = config.Model.AllowPartialLoad;
            if (config.Model.PretrainedSketch is { } sketch) LoadBackbone(model, Domain.Sketch, "model.pretrainedSketch", sketch, partial, log);
            if (config.Model.PretrainedPhoto is { } photo) LoadBackbone(model, Domain.Photo, "model.pretrainedPhoto", photo, partial, log);
            if (config.Model.InitFrom is { } init) InitFrom(model, init, partial, log);
            return model;
        }
        catch
        {
            model.Dispose();
            throw;
        }
    }

    private static void LoadBackbone(SiameseNetwork model, Domain domain, string field, string path, bool allowPartial, Action<string> log)
    {
        RunReferences.EnsureResolved(field, path);
        using var source = BackboneWeights.Read(path, domain);
        var report = model.LoadBackboneState(domain, source.Tensors);
        string target = model.IsTwoBranch ? $"{BackboneWeights.Name(domain)} backbone" : "shared backbone";
        log($"{target} from {source.Describe()}: {report.ToText()}");
        WeightLoadCheck.EnsureComplete(field, target, source.Describe(), report, allowPartial);
    }

    /// <summary>Starts from another run's weights (its last checkpoint, or a given checkpoint file).</summary>
    private static void InitFrom(SiameseNetwork model, string path, bool allowPartial, Action<string> log)
    {
        RunReferences.EnsureResolved("model.initFrom", path);
        string file = BackboneWeights.CheckpointFile(path);
        var report = Checkpoints.LoadModelOnly(file, model);
        log($"initialised from {file}: {report.ToText()}");
        WeightLoadCheck.EnsureComplete("model.initFrom", "network", file, report, allowPartial);
    }
}
