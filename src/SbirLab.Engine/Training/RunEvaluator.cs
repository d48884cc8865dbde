using System.Globalization;
using System.Text.Json;
using SbirLab.Core.Configs;
using SbirLab.Core.Evaluations;
using SbirLab.Core.Runs;
using SbirLab.Engine.Datasets;
using SbirLab.Engine.Evaluation;
using SbirLab.Engine.Export;
using SbirLab.Engine.Models;
using TorchSharp;
using static TorchSharp.torch;

namespace SbirLab.Engine.Training;

/// <summary>
/// The evaluation report of a run (what the store keeps and an export writes as eval.json): the retrieval report, or for a run with a class split (seed 001) the one-shot report
/// in its place, plus what is needed to read it. <see cref="Summary"/> names a one-shot report's headline figures as the
/// epoch metrics do, for readers of the JSON alone (the store's figures, the CSV export).
/// </summary>
public sealed record EvaluationFile(
    string Run,
    int Epochs,
    string Data,
    IReadOnlyList<string> ClassNames,
    RetrievalReport? Report,
    GalleryIndexFigures? Index = null,
    OneShotReport? OneShot = null,
    IReadOnlyDictionary<string, double>? Summary = null);

/// <summary>
/// Embeds a run's queries and gallery with the current model and measures retrieval; makes the final report (told to
/// the observers with its embedding maps: <see cref="ITrainingObserver.OnEvaluation"/>), draws its pictures and builds
/// the gallery index. <paramref name="description"/> says what the run's data is in the report (the evaluation sets'
/// own description when null).
/// </summary>
public sealed class RunEvaluator(RunConfig config, EvaluationSets data, Device device, string? description = null)
{
    private const int EmbedBatch = 500;

    public static readonly JsonSerializerOptions JsonOptions = new() { WriteIndented = false, PropertyNamingPolicy = JsonNamingPolicy.CamelCase };

    /// <summary>Parses a report's JSON (an eval.json text); null when it is not one.</summary>
    public static EvaluationFile? Parse(string json)
    {
        try { return JsonSerializer.Deserialize<EvaluationFile>(json, JsonOptions); }
        catch (JsonException) { return null; }
    }

    public RetrievalOptions Options => new()
    {
        QuerySelfIndex = data.QuerySelfIndex,
        PrecisionAtK = config.Evaluation.PrecisionAtK.Where(k => k < data.Gallery.Count).ToArray(),
        TopKHit = [1, 5],
        ExampleTopK = config.Evaluation.ExampleTopK,
    };

    /// <summary>The headline figures, named as metric points (one-shot figures for a run with a class split).</summary>
    public Dictionary<string, double> Summary(SiameseNetwork model) =>
        config.Data.HasClassSplit ? OneShotEvaluator.Figures(OneShot.Evaluate(model)) : Figures(Evaluate(model));

    private OneShotEvaluator OneShot => new(config, data, device);

    /// <summary>The headline figures of an evaluation file, whichever report it holds.</summary>
    public static Dictionary<string, double> Figures(EvaluationFile file)
    {
        ArgumentNullException.ThrowIfNull(file);
        if (file.OneShot is { } oneShot) return OneShotEvaluator.Figures(oneShot);
        var values = file.Report is { } report ? Figures(report) : [];
        foreach (var (name, value) in file.Index?.Figures() ?? []) values[name] = value;
        return values;
    }

    public static Dictionary<string, double> Figures(RetrievalReport report)
    {
        var values = new Dictionary<string, double> { ["map"] = report.MeanAveragePrecision, ["map_at_r"] = report.MapAtR };
        foreach (var p in report.PrecisionAtK) values[$"p@{p.K}"] = p.Value;
        foreach (var h in report.TopKHitRate) values[$"top{h.K}_hit"] = h.Value;
        return values;
    }

    public RetrievalReport Evaluate(SiameseNetwork model)
    {
        using var scope = NewDisposeScope();
        var (queries, gallery) = Embed(model);
        return RetrievalEvaluator.Evaluate(queries, Labels(data.Queries), gallery, Labels(data.Gallery), Options);
    }

    /// <summary>Embeddings [N, E] of the query and gallery sets, with the model in eval mode.</summary>
    public (Tensor Queries, Tensor Gallery) Embed(SiameseNetwork model)
    {
        bool wasTraining = model.training;
        model.eval();
        try
        {
            using var noGrad = no_grad();
            return (EmbedSet(model, data.Queries), EmbedSet(model, data.Gallery));
        }
        finally
        {
            if (wasTraining) model.train();
        }
    }

    private Tensor EmbedSet(SiameseNetwork model, IImageSet set)
    {
        var parts = new List<Tensor>();
        var all = Enumerable.Range(0, set.Count).ToArray();
        for (int start = 0; start < set.Count; start += EmbedBatch)
        {
            var indices = all[start..Math.Min(set.Count, start + EmbedBatch)];
            using var images = set.Batch(indices);
            var domains = indices.Select(i => set.Domains[i]).ToArray();
            var (embeddings, _) = Objective.Encode(model, images.to(device), domains);
            parts.Add(embeddings);
        }
        return cat(parts, 0);
    }

    private static long[] Labels(IImageSet set) => set.Labels.ToArray();

    /// <summary>
    /// Evaluates, draws the pictures into the run folder (those of the curves from <paramref name="history"/>; without
    /// one, loss and per-epoch pictures already there are kept) and tells the observer the report and its maps.
    /// </summary>
    public EvaluationFile WriteFinalReport(SiameseNetwork model, RunFolder folder, ITrainingObserver observer, RunHistory? history = null) =>
        config.Data.HasClassSplit ? WriteOneShotReport(model, folder, observer, history) : WriteRetrievalReport(model, folder, observer, history);

    /// <summary>Seed 001: one-shot and verification on the held-out classes instead of retrieval (no gallery index, no map).</summary>
    private EvaluationFile WriteOneShotReport(SiameseNetwork model, RunFolder folder, ITrainingObserver observer, RunHistory? history)
    {
        var report = OneShot.Evaluate(model);
        var file = new EvaluationFile(config.Name, config.Training.Epochs, description ?? data.Description, data.ClassNames, null,
            OneShot: report, Summary: OneShotEvaluator.Figures(report));
        RunPictures.WriteOneShot(folder, data, report, history);
        observer.OnLog("evaluation: " + OneShotEvaluator.Describe(report) + $" ({config.Evaluation.OneShot.Episodes} episodes per N, {report.PoolSize} held-out images)");
        observer.OnEvaluation(new EvaluationResult(JsonSerializer.Serialize(file, JsonOptions), []));
        return file;
    }

    private EvaluationFile WriteRetrievalReport(SiameseNetwork model, RunFolder folder, ITrainingObserver observer, RunHistory? history)
    {
        using var scope = NewDisposeScope();
        var (queries, gallery) = Embed(model);
        var report = RetrievalEvaluator.Evaluate(queries, Labels(data.Queries), gallery, Labels(data.Gallery), Options);
        var (queryRows, galleryRows) = (Rows(queries), Rows(gallery));
        var labels = new IndexLabels(Labels(data.Queries), Labels(data.Gallery), data.QuerySelfIndex);
        var index = GalleryIndexBuilder.Build(folder, queryRows, galleryRows, labels, config.Evaluation.Index, config.Seed);
        observer.OnLog(string.Create(CultureInfo.InvariantCulture,
            $"gallery index: HNSW recall@10 {index.HnswRecallAt10:F3} against exact search; {index.HnswMsPerQuery:F3} ms vs {index.ExactMsPerQuery:F3} ms per query; " +
            $"top-5 hit rate {index.HnswTop5Hit:F3} through HNSW, {index.ExactTop5Hit:F3} exact"));
        var file = new EvaluationFile(config.Name, config.Training.Epochs, description ?? data.Description, data.ClassNames, report, index,
            Summary: index.Figures());
        RunPictures.Write(folder, data, report, history);
        var maps = config.Evaluation.MapPoints > 0
            ? RunEmbeddingMap.Make(folder, data, queryRows, galleryRows, config.Evaluation.MapPoints, config.Seed)
            : [];
        observer.OnLog(string.Create(CultureInfo.InvariantCulture,
            $"evaluation: mAP {report.MeanAveragePrecision:F4} over {report.QueryCount} queries and {report.GalleryCount} gallery items"));
        observer.OnEvaluation(new EvaluationResult(JsonSerializer.Serialize(file, JsonOptions), maps));
        return file;
    }

    /// <summary>Writes the query and gallery embeddings and labels as .npy files.</summary>
    public void ExportEmbeddings(SiameseNetwork model, string folder)
    {
        Directory.CreateDirectory(folder);
        using var scope = NewDisposeScope();
        var (queries, gallery) = Embed(model);
        WriteMatrix(Path.Combine(folder, "queries.npy"), queries);
        WriteMatrix(Path.Combine(folder, "gallery.npy"), gallery);
        NpyWriter.Write(Path.Combine(folder, "query-labels.npy"), Labels(data.Queries), data.Queries.Count);
        NpyWriter.Write(Path.Combine(folder, "gallery-labels.npy"), Labels(data.Gallery), data.Gallery.Count);
        if (data.QuerySelfIndex is { } self) NpyWriter.Write(Path.Combine(folder, "query-self-index.npy"), self, self.Length);
    }

    private static float[][] Rows(Tensor matrix)
    {
        var cpu = matrix.cpu().contiguous();
        int n = (int)cpu.shape[0], d = (int)cpu.shape[1];
        var flat = cpu.data<float>().ToArray();
        return Enumerable.Range(0, n).Select(i => flat.AsSpan(i * d, d).ToArray()).ToArray();
    }

    private static void WriteMatrix(string path, Tensor matrix)
    {
        var cpu = matrix.cpu().contiguous();
        NpyWriter.Write(path, cpu.data<float>().ToArray(), (int)cpu.shape[0], (int)cpu.shape[1]);
    }
}

/// <summary>Re-evaluates a finished (or stopped) run from a checkpoint, as <c>sbirlab eval</c> does.</summary>
public static class CheckpointEvaluation
{
    /// <param name="path">A run folder (its last checkpoint is used) or a checkpoint file.</param>
    /// <param name="observer">Told the evaluation (the store of the run keeps it).</param>
    /// <param name="history">The run's figures so far, for its loss and per-epoch pictures (null: those pictures are kept as they are).</param>
    public static EvaluationFile Run(string path, bool exportEmbeddings, ITrainingObserver observer, RunHistory? history = null)
    {
        using var run = TrainedRun.Open(path);
        var folder = RunFolder.FromPath(run.Checkpoint);
        var evaluator = run.Evaluator();
        folder.Create();
        var report = evaluator.WriteFinalReport(run.Model, folder, observer, history);
        if (exportEmbeddings) evaluator.ExportEmbeddings(run.Model, folder.Embeddings);
        return report;
    }
}
