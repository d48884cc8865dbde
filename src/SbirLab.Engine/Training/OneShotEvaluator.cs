using SbirLab.Core.Configs;
using SbirLab.Engine.Datasets;
using SbirLab.Engine.Evaluation;
using SbirLab.Engine.Models;
using TorchSharp;
using static TorchSharp.torch;

namespace SbirLab.Engine.Training;

/// <summary>
/// Seed 001's evaluation of a run with a class split, on its held-out pool: N-way one-shot episodes and verification
/// pairs, scored by Koch's pair head (P(same), when the network has one) and by nearest neighbour on the embedding
/// (the smaller squared distance wins), so every such run also carries the baseline it should beat.
/// </summary>
/// <remarks>The pool is embedded once in eval mode; each scorer then reads rows of those features, so the episodes cost little.</remarks>
public sealed class OneShotEvaluator(RunConfig config, EvaluationSets data, Device device)
{
    private const int EmbedBatch = 500;

    /// <summary>Evaluates <paramref name="model"/> (restored to train mode after, when it was training).</summary>
    public OneShotReport Evaluate(SiameseNetwork model)
    {
        ArgumentNullException.ThrowIfNull(model);
        using var scope = NewDisposeScope();
        var pool = data.Queries;
        var labels = pool.Labels;
        var (embeddings, pairFeatures) = Features(model, pool);
        var oneShot = config.Evaluation.OneShot;
        var episodes = oneShot.Ways.Distinct().Order().ToDictionary(n => n, n => OneShotEpisodes.Draw(labels, n, oneShot.Episodes, config.Seed));
        var pairs = Verification.DrawPairs(labels, oneShot.VerificationPairs, config.Seed);
        var scorers = new List<(string Name, string Key, string Score, Func<int[], int[], double[]> Scores)>();
        if (model.PairHead is { } head && pairFeatures is not null)
            scorers.Add(("pair-head", "pair", "logit of P(same)", (a, b) => PairHeadLogits(head, pairFeatures, a, b)));
        scorers.Add(("nearest-neighbour", "nn", "−squared distance", (a, b) => NegativeSquaredDistances(embeddings, a, b)));
        var methods = scorers.Select(s => new OneShotMethod(s.Name, s.Key, s.Score,
            [.. episodes.Select(e => OneShotEpisodes.Accuracy(e.Key, e.Value, EpisodeScores(e.Value, s.Scores)))],
            Verification.Evaluate(s.Scores([.. pairs.Select(p => p.First)], [.. pairs.Select(p => p.Second)]), [.. pairs.Select(p => p.Same)]))).ToArray();
        var examples = Examples(episodes, labels, scorers[0].Scores, oneShot.Examples);
        return new OneShotReport(DataBundles.HeldOutClasses(config.Data), pool.Count, config.Seed, methods, examples);
    }

    /// <summary>The headline figures as metric points: per scorer "{key}_one_shot_{N}way" and "{key}_auc".</summary>
    public static Dictionary<string, double> Figures(OneShotReport report)
    {
        ArgumentNullException.ThrowIfNull(report);
        var values = new Dictionary<string, double>(StringComparer.Ordinal);
        foreach (var method in report.Methods)
        {
            foreach (var way in method.Ways) values[$"{method.Key}_one_shot_{way.Ways}way"] = way.Accuracy;
            values[$"{method.Key}_auc"] = method.Verification.Auc;
            values[$"{method.Key}_verification_accuracy"] = method.Verification.BestAccuracy;
        }
        return values;
    }

    /// <summary>A line for the log: each scorer's accuracy per N with its interval, and its AUC.</summary>
    public static string Describe(OneShotReport report) => string.Join("; ", report.Methods.Select(m =>
        $"{m.Name}: " + string.Join(", ", m.Ways.Select(w => FormattableString.Invariant($"{w.Ways}-way {w.Accuracy:F3} [{w.Low:F3}, {w.High:F3}]"))) +
        FormattableString.Invariant($", AUC {m.Verification.Auc:F3}, verification accuracy {m.Verification.BestAccuracy:F3}")));

    private (Tensor Embeddings, Tensor? PairFeatures) Features(SiameseNetwork model, IImageSet pool)
    {
        bool wasTraining = model.training;
        model.eval();
        try
        {
            using var noGrad = no_grad();
            var embeddings = new List<Tensor>();
            var pairFeatures = new List<Tensor>();
            var all = Enumerable.Range(0, pool.Count).ToArray();
            for (int start = 0; start < pool.Count; start += EmbedBatch)
            {
                var indices = all[start..Math.Min(pool.Count, start + EmbedBatch)];
                using var images = pool.Batch(indices);
                var onDevice = images.to(device);
                var domain = pool.Domains[indices[0]];
                embeddings.Add(model.Embed(onDevice, domain));
                if (model.PairHead is not null) pairFeatures.Add(model.PairFeatures(onDevice, domain));
            }
            return (cat(embeddings, 0), pairFeatures.Count > 0 ? cat(pairFeatures, 0) : null);
        }
        finally
        {
            if (wasTraining) model.train();
        }
    }

    private static List<double[]> EpisodeScores(OneShotEpisode[] episodes, Func<int[], int[], double[]> scores)
    {
        var queries = episodes.SelectMany(e => e.Supports.Select(_ => e.Query)).ToArray();
        var supports = episodes.SelectMany(e => e.Supports).ToArray();
        var flat = scores(queries, supports);
        var rows = new List<double[]>(episodes.Length);
        int offset = 0;
        foreach (var episode in episodes)
        {
            rows.Add(flat[offset..(offset + episode.Supports.Length)]);
            offset += episode.Supports.Length;
        }
        return rows;
    }

    private static OneShotExample[] Examples(Dictionary<int, OneShotEpisode[]> episodes, IReadOnlyList<long> labels, Func<int[], int[], double[]> scores, int count)
    {
        if (episodes.Count == 0 || count == 0) return [];
        var (ways, drawn) = episodes.MaxBy(e => e.Key);
        var shown = drawn.Take(count).ToArray();
        var rows = EpisodeScores(shown, scores);
        return [.. shown.Select((e, i) => new OneShotExample(ways, e.Query, labels[e.Query], e.Supports, [.. e.Supports.Select(s => labels[s])],
            rows[i], OneShotEpisodes.Choose(rows[i]), e.Answer))];
    }

    /// <summary>The head's logits rather than P(same): float32 sigmoids of a trained head round to 1 and would tie.</summary>
    private static double[] PairHeadLogits(KochPairHead head, Tensor features, int[] first, int[] second)
    {
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        return ToDoubles(head.call(Rows(features, first), Rows(features, second)));
    }

    private static double[] NegativeSquaredDistances(Tensor embeddings, int[] first, int[] second)
    {
        using var scope = NewDisposeScope();
        var difference = Rows(embeddings, first) - Rows(embeddings, second);
        return ToDoubles(difference.pow(2).sum(1).neg());
    }

    private static Tensor Rows(Tensor matrix, int[] rows) =>
        matrix.index_select(0, tensor(rows.Select(i => (long)i).ToArray(), device: matrix.device));

    private static double[] ToDoubles(Tensor values)
    {
        using var host = values.to_type(ScalarType.Float64).cpu();
        return host.data<double>().ToArray();
    }
}
