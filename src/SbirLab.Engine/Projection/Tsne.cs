using SbirLab.Engine.Indexing;

namespace SbirLab.Engine.Projection;

/// <summary>
/// Exact t-SNE (van der Maaten &amp; Hinton, 2008, "Visualizing Data using t-SNE"). Input affinities are Gaussian
/// conditionals whose widths are found by binary search to match the perplexity, symmetrised to
/// p_ij = (p_j|i + p_i|j) / 2N; map affinities use a Student-t kernel q_ij ∝ (1 + ‖y_i − y_j‖²)⁻¹. The map follows
/// the gradient 4 Σ_j (p_ij − q_ij)(1 + ‖y_i − y_j‖²)⁻¹ (y_i − y_j) with momentum, per-coordinate adaptive gains
/// and early exaggeration, as in the reference implementation.
/// Every iteration costs O(N²) time and P takes N² doubles, so the caller should subsample: up to
/// <see cref="RecommendedMaxPoints"/> points take seconds to tens of seconds; more than <see cref="MaxPoints"/> is refused
/// (P and the kernel scratch take 16·N² bytes, 64 MB at 2,000 points).
/// </summary>
public static class Tsne
{
    /// <summary>Size up to which a default run finishes in well under a minute on two cores.</summary>
    public const int RecommendedMaxPoints = 2000;

    /// <summary>Hard limit (P and the kernel scratch are 16·N² bytes, 400 MB at this size); the config's map limit.</summary>
    public const int MaxPoints = Core.Configs.EvaluationConfig.MaxMapPoints;

    private const double MinGain = 0.01;
    private const double InitialScale = 1e-4;
    private const double EntropyTolerance = 1e-5;
    private const int MaxBisectionSteps = 200;
    private const int ParallelThreshold = 256;

    /// <summary>Maps the rows of <paramref name="data"/> (N rows of equal length) to <see cref="TsneOptions.Dimensions"/>-D points.</summary>
    public static float[][] Project(float[][] data, TsneOptions? options = null)
    {
        options ??= new TsneOptions();
        options.Validate();
        int n = Validate(data);
        int dims = options.Dimensions;
        if (n <= 1)
        {
            return n == 0 ? [] : [new float[dims]];
        }

        double perplexity = Math.Min(options.Perplexity, Math.Max((n - 1) / 3.0, 1.0));
        var p = JointProbabilities(data, perplexity);
        var y = InitialLayout(data, options);
        Optimise(p, y, n, options);
        return ToRows(y, n, dims);
    }

    /// <summary>
    /// Symmetric input affinities p_ij = (p_j|i + p_i|j) / 2N from squared Euclidean distances (row-major N×N,
    /// zero diagonal, summing to 1).
    /// </summary>
    internal static double[] JointProbabilities(float[][] data, double perplexity)
    {
        int n = data.Length;
        var p = new double[n * n];
        ForRows(n, i =>
        {
            var distances = new double[n];
            for (int j = 0; j < n; j++)
            {
                distances[j] = i == j ? 0 : VectorDistance.SquaredL2(data[i], data[j]);
            }

            CalibrateRow(distances, i, perplexity, p.AsSpan(i * n, n));
        });
        for (int i = 0; i < n; i++)
        {
            for (int j = i + 1; j < n; j++)
            {
                double symmetric = (p[i * n + j] + p[j * n + i]) / (2.0 * n);
                p[i * n + j] = p[j * n + i] = symmetric;
            }
        }

        return p;
    }

    /// <summary>
    /// Fills <paramref name="row"/> with p_j|i = exp(−β d_j) / Σ_k≠i exp(−β d_k), choosing the precision β by
    /// bisection so that the entropy H = −Σ p ln p equals ln(perplexity). Returns β.
    /// </summary>
    internal static double CalibrateRow(ReadOnlySpan<double> squaredDistances, int self, double perplexity, Span<double> row)
    {
        double target = Math.Log(perplexity);
        double nearest = double.PositiveInfinity;
        for (int j = 0; j < squaredDistances.Length; j++)
        {
            nearest = j == self ? nearest : Math.Min(nearest, squaredDistances[j]);
        }

        double beta = 1, low = 0, high = double.PositiveInfinity;
        for (int step = 0; step < MaxBisectionSteps; step++)
        {
            double excess = Entropy(squaredDistances, self, beta, nearest, row) - target;
            if (Math.Abs(excess) < EntropyTolerance)
            {
                break;
            }

            if (excess > 0)
            {
                low = beta;
                beta = double.IsPositiveInfinity(high) ? beta * 2 : (beta + high) / 2;
            }
            else
            {
                high = beta;
                beta = (beta + low) / 2;
            }
        }

        return beta;
    }

    /// <summary>
    /// Writes the normalised conditional row for precision β and returns its entropy. Distances are shifted by the
    /// nearest one first (the ratio is unchanged) so exp never underflows to an all-zero row.
    /// </summary>
    private static double Entropy(ReadOnlySpan<double> squaredDistances, int self, double beta, double shift, Span<double> row)
    {
        double sum = 0, weighted = 0;
        for (int j = 0; j < row.Length; j++)
        {
            double shifted = squaredDistances[j] - shift;
            row[j] = j == self ? 0 : Math.Exp(-beta * shifted);
            sum += row[j];
            weighted += j == self ? 0 : shifted * row[j];
        }

        for (int j = 0; j < row.Length; j++)
        {
            row[j] /= sum;
        }

        return Math.Log(sum) + beta * weighted / sum;
    }

    /// <summary>
    /// Writes ∂KL/∂y into <paramref name="gradient"/> with P multiplied by <paramref name="exaggeration"/>, and
    /// returns −Σ p_ij ln q_ij for the unexaggerated P (the cross-entropy part of KL) when
    /// <paramref name="withCrossEntropy"/>, else 0. <paramref name="y"/> is row-major N×dims; <paramref name="kernels"/>
    /// (N×N, optional) is scratch for the Student-t kernel values, which the second pass reuses.
    /// </summary>
    internal static double Gradient(double[] p, double[] y, int n, int dims, double exaggeration, double[] gradient, bool withCrossEntropy, double[]? kernels = null)
    {
        kernels ??= new double[n * n];
        var rowSums = new double[n];
        ForRows(n, i => rowSums[i] = FillKernelRow(y, n, dims, i, kernels.AsSpan(i * n, n)));
        double z = rowSums.Sum();
        var crossTerms = new double[n];
        ForRows(n, i => crossTerms[i] = GradientRow(p, y, n, dims, exaggeration, z, i, kernels, gradient, withCrossEntropy));
        return withCrossEntropy ? crossTerms.Sum() + Math.Log(z) : 0;
    }

    /// <summary>KL(P‖Q) of the map <paramref name="y"/>.</summary>
    internal static double KlDivergence(double[] p, double[] y, int n, int dims) =>
        NegativeEntropy(p) + Gradient(p, y, n, dims, 1, new double[n * dims], withCrossEntropy: true);

    /// <summary>Writes (1 + ‖y_i − y_j‖²)⁻¹ for every j (0 for j = i) and returns the row sum.</summary>
    private static double FillKernelRow(double[] y, int n, int dims, int i, Span<double> row)
    {
        double sum = 0;
        for (int j = 0; j < n; j++)
        {
            row[j] = j == i ? 0 : StudentKernel(y, i, j, dims);
            sum += row[j];
        }

        return sum;
    }

    /// <summary>Gradient of row i; returns its share −Σ_j p_ij ln(kernel_ij) of the cross-entropy when asked (logs are costly).</summary>
    private static double GradientRow(double[] p, double[] y, int n, int dims, double exaggeration, double z, int i, double[] kernels, double[] gradient, bool withCrossEntropy)
    {
        var row = gradient.AsSpan(i * dims, dims);
        row.Clear();
        double crossTerm = 0;
        for (int j = 0; j < n; j++)
        {
            if (j == i)
            {
                continue;
            }

            double kernel = kernels[i * n + j];
            double pij = p[i * n + j];
            double force = 4 * (exaggeration * pij - kernel / z) * kernel;
            for (int d = 0; d < dims; d++)
            {
                row[d] += force * (y[i * dims + d] - y[j * dims + d]);
            }

            if (withCrossEntropy && pij > 0)
            {
                crossTerm -= pij * Math.Log(kernel);
            }
        }

        return crossTerm;
    }

    /// <summary>(1 + ‖y_i − y_j‖²)⁻¹.</summary>
    private static double StudentKernel(double[] y, int i, int j, int dims)
    {
        double squared = 0;
        for (int d = 0; d < dims; d++)
        {
            double diff = y[i * dims + d] - y[j * dims + d];
            squared += diff * diff;
        }

        return 1 / (1 + squared);
    }

    private static void Optimise(double[] p, double[] y, int n, TsneOptions options)
    {
        int length = n * options.Dimensions;
        double learningRate = options.LearningRate ?? Math.Max(n / options.EarlyExaggeration, 50);
        double negativeEntropy = options.Progress is null ? 0 : NegativeEntropy(p);
        var gradient = new double[length];
        var update = new double[length];
        var gains = Enumerable.Repeat(1.0, length).ToArray();
        var kernels = new double[n * n];
        for (int iteration = 0; iteration < options.Iterations; iteration++)
        {
            bool report = options.Progress is not null && ((iteration + 1) % options.ProgressInterval == 0 || iteration == options.Iterations - 1);
            double exaggeration = iteration < options.ExaggerationIterations ? options.EarlyExaggeration : 1;
            double crossEntropy = Gradient(p, y, n, options.Dimensions, exaggeration, gradient, report, kernels);
            double momentum = iteration < options.MomentumSwitchIteration ? options.InitialMomentum : options.FinalMomentum;
            Step(y, gradient, update, gains, momentum, learningRate);
            Centre(y, n, options.Dimensions);
            if (report)
            {
                options.Progress!(iteration + 1, negativeEntropy + crossEntropy);
            }
        }
    }

    /// <summary>
    /// Momentum step with delta-bar-delta gains: a coordinate whose gradient keeps pushing the same way as its last
    /// step speeds up (+0.2), one that reverses slows down (×0.8, never below 0.01).
    /// </summary>
    private static void Step(double[] y, double[] gradient, double[] update, double[] gains, double momentum, double learningRate)
    {
        for (int k = 0; k < y.Length; k++)
        {
            bool reversing = gradient[k] > 0 == update[k] > 0;
            gains[k] = reversing ? Math.Max(gains[k] * 0.8, MinGain) : gains[k] + 0.2;
            update[k] = momentum * update[k] - learningRate * gains[k] * gradient[k];
            y[k] += update[k];
        }
    }

    private static void Centre(double[] y, int n, int dims)
    {
        for (int d = 0; d < dims; d++)
        {
            double mean = 0;
            for (int i = 0; i < n; i++)
            {
                mean += y[i * dims + d];
            }

            mean /= n;
            for (int i = 0; i < n; i++)
            {
                y[i * dims + d] -= mean;
            }
        }
    }

    private static double[] InitialLayout(float[][] data, TsneOptions options)
    {
        int n = data.Length, dims = options.Dimensions;
        if (options.Initialization == TsneInitialization.Pca)
        {
            var points = Pca.Project(data, dims).Points;
            double sd = Math.Sqrt(points.Sum(row => (double)row[0] * row[0]) / n);
            if (sd > 0)
            {
                return points.SelectMany(row => row.Select(v => v * InitialScale / sd)).ToArray();
            }
        }

        var random = new Random(options.Seed);
        return Enumerable.Range(0, n * dims).Select(_ => InitialScale * StandardNormal(random)).ToArray();
    }

    private static double StandardNormal(Random random) =>
        Math.Sqrt(-2.0 * Math.Log(1.0 - random.NextDouble())) * Math.Cos(2.0 * Math.PI * random.NextDouble());

    private static double NegativeEntropy(double[] p) => p.Sum(v => v > 0 ? v * Math.Log(v) : 0);

    private static float[][] ToRows(double[] y, int n, int dims) =>
        Enumerable.Range(0, n).Select(i => Enumerable.Range(0, dims).Select(d => (float)y[i * dims + d]).ToArray()).ToArray();

    /// <summary>Runs <paramref name="body"/> for each row, in parallel when N is large; rows write disjoint outputs, so results do not depend on scheduling.</summary>
    private static void ForRows(int n, Action<int> body)
    {
        if (n >= ParallelThreshold)
        {
            Parallel.For(0, n, body);
            return;
        }

        for (int i = 0; i < n; i++)
        {
            body(i);
        }
    }

    private static int Validate(float[][] data)
    {
        ArgumentNullException.ThrowIfNull(data);
        if (data.Length > MaxPoints)
        {
            throw new ArgumentException($"Exact t-SNE is O(N²); {data.Length} points exceed the limit of {MaxPoints}. Subsample first.", nameof(data));
        }

        if (data.Length > 0 && data.Any(row => row.Length != data[0].Length))
        {
            throw new ArgumentException("All rows must have the same length.", nameof(data));
        }

        return data.Length;
    }
}
