namespace SbirLab.Engine.Evaluation;

/// <summary>
/// Seed 001's evaluation of a run with a class split, in place of retrieval: N-way one-shot accuracy on classes held
/// out of training and same / different verification of held-out pairs, for each way of scoring a pair.
/// Plain numbers and arrays, so it serialises with System.Text.Json for eval.json, the store and the web lab.
/// </summary>
/// <param name="HeldOutClasses">The classes evaluated (never trained on).</param>
/// <param name="PoolSize">Images the episodes and pairs are drawn from.</param>
/// <param name="Seed">The seed of the episodes and pairs (the run's).</param>
/// <param name="Methods">One entry per scorer; the first is the run's own (the pair head when it has one).</param>
/// <param name="Examples">Episodes of the largest N as the first method answered them, for the report's grid.</param>
public sealed record OneShotReport(int[] HeldOutClasses, int PoolSize, int Seed, OneShotMethod[] Methods, OneShotExample[] Examples);

/// <summary>How one scorer did: its accuracy for each N and its verification.</summary>
/// <param name="Name">"pair-head" (Koch's P(same)) or "nearest-neighbour" (the smaller embedding distance wins).</param>
/// <param name="Key">Prefix of its metric names: "pair" or "nn" (pair_one_shot_2way, nn_auc, ...).</param>
/// <param name="Score">What its scores are, for captions ("P(same)", "−squared distance").</param>
public sealed record OneShotMethod(string Name, string Key, string Score, WayAccuracy[] Ways, VerificationReport Verification)
{
    /// <summary>What a caption shows of a score: a pair head's logit as P(same), a distance score as the squared distance.</summary>
    public string Display(double score) => Key == "pair"
        ? (1 / (1 + Math.Exp(-score))).ToString("F2", System.Globalization.CultureInfo.InvariantCulture)
        : (-score).ToString("F2", System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>What <see cref="Display"/> shows: "P(same)" or "squared distance".</summary>
    public string DisplayName => Key == "pair" ? "P(same)" : "squared distance";
}

/// <summary>One answered episode: the query, the supports with their classes and scores, the chosen one and the answer.</summary>
public sealed record OneShotExample(int Ways, int QueryIndex, long QueryLabel, int[] SupportIndices, long[] SupportLabels, double[] Scores, int Chosen, int Answer)
{
    /// <summary>Whether the chosen support is of the query's class.</summary>
    public bool Correct => Chosen == Answer;
}
