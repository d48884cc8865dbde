using System.Globalization;
using SbirLab.Core.Configs;
using SbirLab.Core.Runs;
using SbirLab.Engine.Training;

namespace SbirLab.Web.Services;

/// <summary>One line of the runs table; <see cref="Manageable"/>: whether the reader may stop, resume, delete and clone it (the service checks again).</summary>
public sealed record RunRow(
    long Id,
    string Name,
    string? Template,
    RunStatus Status,
    string? Message,
    long Steps,
    long TotalSteps,
    int EpochsCompleted,
    int Epochs,
    int Attempts,
    DateTime CreatedAt,
    DateTime? StartedAt,
    DateTime? FinishedAt,
    string KeyParameters,
    double? BestMap,
    double? LastMap,
    IReadOnlyList<string> Tags,
    long? ParentRunId,
    string Team = "default",
    bool Manageable = true,
    bool Published = false,
    string? Worker = null,
    string? WorkerHost = null,
    string? Device = null)
{
    /// <summary>Where the run trains or trained: "gpu-box-1 on host-a, cuda:0"; empty before a worker claimed it.</summary>
    public string Placement => Worker is null ? "" : $"{Worker} on {WorkerHost}" + (Device is null ? "" : $", {Device}");

    /// <summary>Share of the steps done, in [0, 1].</summary>
    public double Progress => Status == RunStatus.Completed ? 1 : TotalSteps > 0 ? Math.Clamp((double)Steps / TotalSteps, 0, 1) : 0;

    public bool IsActive => RunTransitions.IsActive(Status);
    public bool CanStop => Manageable && IsActive;
    public bool CanResume => Manageable && RunTransitions.CanResume(Status);
    public bool CanDelete => Manageable && RunTransitions.CanDelete(Status);

    /// <summary>Text the search box matches: name, template, status, parameters and tags.</summary>
    public string SearchText => string.Join(' ', [Id.ToString(CultureInfo.InvariantCulture), Name, Template ?? "", Status.Text(), KeyParameters, .. Tags]);
}

/// <summary>One page of the runs table and how many runs pass its filter in all.</summary>
public sealed record RunRowPage(IReadOnlyList<RunRow> Rows, int Total);

/// <summary>The parameters that tell runs apart at a glance, in one short line.</summary>
public static class KeyParameters
{
    public static string Describe(RunConfig config)
    {
        var parts = new List<string> { Architecture(config.Model), Loss(config.Loss), Sampler(config.Batch), Optimizer(config), $"{config.Training.Epochs} ep" };
        return string.Join(" · ", parts.Where(p => p.Length > 0));
    }

    private static string Architecture(ModelConfig model) =>
        model.Siamese switch
        {
            SiameseKind.TwoBranch => $"{model.Backbone.Name()} ×2",
            SiameseKind.Koch => $"{model.Backbone.Name()} + Koch pair head",
            _ => model.Backbone.Name(),
        };

    private static string Loss(LossConfig loss)
    {
        var terms = new List<string>();
        if (loss.HasEmbeddingTerm)
        {
            string detail = loss.Embedding switch
            {
                EmbeddingLossKind.Triplet => $" α {N(loss.Margin)} {loss.Miner.Name()}",
                EmbeddingLossKind.Contrastive => $" m {N(loss.Margin)}",
                EmbeddingLossKind.SmoothAp => $" τ {N(loss.Tau)}",
                EmbeddingLossKind.BinaryCrossEntropy or EmbeddingLossKind.None => "",
            };
            terms.Add($"{N(loss.EmbeddingWeight)}·{loss.Embedding.Name()}{detail}");
        }
        if (loss.CrossEntropyWeight > 0) terms.Add($"{N(loss.CrossEntropyWeight)}·CE");
        return string.Join(" + ", terms);
    }

    private static string Sampler(BatchConfig batch) => batch.Sampler switch
    {
        SamplerKind.Pk => $"PK {batch.Classes}×{batch.Items}×{batch.ImagesPerItem}",
        SamplerKind.Pairs => $"pairs {batch.Size}",
        SamplerKind.Shuffle => $"batch {batch.Size}",
    };

    private static string Optimizer(RunConfig config) =>
        $"{config.Optimizer.Name.Name()} {N(config.Optimizer.LearningRate)} {config.Schedule.Name.Name()}" +
        (config.Schedule.WarmupEpochs > 0 ? $" wu {N(config.Schedule.WarmupEpochs)}" : "");

    private static string N(double value) => value.ToString("0.####", CultureInfo.InvariantCulture);
}
