namespace SbirLab.Engine.Projection;

/// <summary>How t-SNE starts its map.</summary>
public enum TsneInitialization
{
    /// <summary>Small isotropic Gaussian (σ = 10⁻⁴), as in van der Maaten &amp; Hinton (2008).</summary>
    Random,

    /// <summary>The first principal components, rescaled so the first has σ = 10⁻⁴; keeps global layout more stable.</summary>
    Pca,
}

/// <summary>
/// Settings of <see cref="Tsne.Project"/>; the defaults are those of van der Maaten &amp; Hinton (2008).
/// </summary>
public sealed record TsneOptions
{
    /// <summary>Map dimension (2 for a scatter plot).</summary>
    public int Dimensions { get; init; } = 2;

    /// <summary>Effective number of neighbours each point's Gaussian covers; lowered to (N − 1)/3 for small N.</summary>
    public double Perplexity { get; init; } = 30;

    /// <summary>Gradient-descent iterations.</summary>
    public int Iterations { get; init; } = 1000;

    /// <summary>Factor on P during the first <see cref="ExaggerationIterations"/>, which lets clusters form early.</summary>
    public double EarlyExaggeration { get; init; } = 12;

    /// <summary>Iterations with exaggerated P.</summary>
    public int ExaggerationIterations { get; init; } = 250;

    /// <summary>Momentum before <see cref="MomentumSwitchIteration"/>.</summary>
    public double InitialMomentum { get; init; } = 0.5;

    /// <summary>Momentum from <see cref="MomentumSwitchIteration"/> on.</summary>
    public double FinalMomentum { get; init; } = 0.8;

    /// <summary>Iteration at which momentum rises.</summary>
    public int MomentumSwitchIteration { get; init; } = 250;

    /// <summary>Step size; null chooses max(N / <see cref="EarlyExaggeration"/>, 50) (Belkina et al., 2019).</summary>
    public double? LearningRate { get; init; } = 200;

    /// <summary>Starting layout.</summary>
    public TsneInitialization Initialization { get; init; } = TsneInitialization.Random;

    /// <summary>Seeds the random initial layout; same seed and data give the same map.</summary>
    public int Seed { get; init; } = 42;

    /// <summary>Called with (iteration, KL(P‖Q)) every <see cref="ProgressInterval"/> iterations and after the last.</summary>
    public Action<int, double>? Progress { get; init; }

    /// <summary>Iterations between progress reports.</summary>
    public int ProgressInterval { get; init; } = 50;

    internal void Validate()
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(Dimensions, 1);
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(Perplexity, 0);
        ArgumentOutOfRangeException.ThrowIfNegative(Iterations);
        ArgumentOutOfRangeException.ThrowIfLessThan(EarlyExaggeration, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(ProgressInterval, 1);
        if (LearningRate is { } rate)
        {
            ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(rate, 0, nameof(LearningRate));
        }
    }
}
