using System.Numerics;

namespace SbirLab.Engine.Projection;

/// <summary>
/// Principal component analysis for embedding maps: centre the rows, form the D×D sample covariance, and take its
/// leading eigenvectors. Up to <see cref="JacobiLimit"/> dimensions the whole covariance is diagonalised by Jacobi
/// rotations; above that (embeddings of 128–512 dims) block subspace iteration with Rayleigh–Ritz finds only the
/// leading few, which costs O(D²·b) per step instead of O(D³).
/// </summary>
public static class Pca
{
    /// <summary>Largest dimension diagonalised in full.</summary>
    public const int JacobiLimit = 64;

    private const int MaxSubspaceIterations = 2000;
    private const double ResidualTolerance = 1e-9;

    /// <summary>Projects <paramref name="data"/> (N rows of equal length D) onto its top <paramref name="components"/> principal axes.</summary>
    public static PcaResult Project(float[][] data, int components = 2)
    {
        int dimension = Validate(data, components);
        var mean = Mean(data, dimension);
        var covariance = Covariance(data, mean);
        double totalVariance = Enumerable.Range(0, dimension).Sum(i => covariance[i * dimension + i]);
        var (values, vectors) = dimension <= JacobiLimit
            ? SymmetricEigen.Decompose(covariance, dimension)
            : LeadingEigenpairs(covariance, dimension, components);
        var axes = vectors.Take(components).Select(FixSign).ToArray();
        var ratios = values.Take(components).Select(v => totalVariance > 0 ? Math.Max(v, 0) / totalVariance : 0).ToArray();
        return new PcaResult(ProjectRows(data, mean, axes), axes, ratios, mean);
    }

    private static int Validate(float[][] data, int components)
    {
        ArgumentNullException.ThrowIfNull(data);
        if (data.Length == 0)
        {
            throw new ArgumentException("PCA needs at least one row.", nameof(data));
        }

        int dimension = data[0].Length;
        if (data.Any(row => row.Length != dimension))
        {
            throw new ArgumentException("All rows must have the same length.", nameof(data));
        }

        ArgumentOutOfRangeException.ThrowIfLessThan(components, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(components, dimension);
        return dimension;
    }

    private static double[] Mean(float[][] data, int dimension)
    {
        var mean = new double[dimension];
        foreach (var row in data)
        {
            for (int d = 0; d < dimension; d++)
            {
                mean[d] += row[d];
            }
        }

        for (int d = 0; d < dimension; d++)
        {
            mean[d] /= data.Length;
        }

        return mean;
    }

    /// <summary>Sample covariance Σ (x − μ)(x − μ)ᵀ / (N − 1), row-major; the upper triangle is accumulated with SIMD, then mirrored.</summary>
    private static double[] Covariance(float[][] data, double[] mean)
    {
        int n = mean.Length;
        var covariance = new double[n * n];
        var centred = new double[n];
        foreach (var row in data)
        {
            for (int d = 0; d < n; d++)
            {
                centred[d] = row[d] - mean[d];
            }

            for (int i = 0; i < n; i++)
            {
                AddScaled(covariance.AsSpan(i * n + i, n - i), centred.AsSpan(i), centred[i]);
            }
        }

        double denominator = Math.Max(data.Length - 1, 1);
        for (int i = 0; i < n; i++)
        {
            for (int j = i; j < n; j++)
            {
                covariance[i * n + j] /= denominator;
                covariance[j * n + i] = covariance[i * n + j];
            }
        }

        return covariance;
    }

    /// <summary>target += scale · source.</summary>
    private static void AddScaled(Span<double> target, ReadOnlySpan<double> source, double scale)
    {
        int i = 0;
        if (Vector.IsHardwareAccelerated)
        {
            var factor = new Vector<double>(scale);
            for (; i <= target.Length - Vector<double>.Count; i += Vector<double>.Count)
            {
                (new Vector<double>(target[i..]) + factor * new Vector<double>(source[i..])).CopyTo(target[i..]);
            }
        }

        for (; i < target.Length; i++)
        {
            target[i] += scale * source[i];
        }
    }

    /// <summary>
    /// Block subspace iteration: V ← orth(C·V) with a block of b = k + max(k, 8) columns; after each product the
    /// Rayleigh–Ritz pairs of Vᵀ C V are checked, and iteration stops when every wanted pair (θ, u) has
    /// ‖C u − θ u‖ ≤ 1e-9 · θ₁. Convergence goes as (λ_{b+1}/λ_k)^t, so the extra columns make it fast.
    /// </summary>
    private static (double[] Values, double[][] Vectors) LeadingEigenpairs(double[] covariance, int n, int wanted)
    {
        int block = Math.Min(n, wanted + Math.Max(wanted, 8));
        var basis = Orthonormalise(RandomBlock(n, block, new Random(20220305)), new Random(1));
        (double[] Values, double[][] Vectors) ritz = ([], []);
        for (int iteration = 0; iteration < MaxSubspaceIterations; iteration++)
        {
            var product = basis.Select(column => Multiply(covariance, n, column)).ToArray();
            ritz = RayleighRitz(basis, product, n);
            if (Converged(ritz, basis, product, n, wanted))
            {
                break;
            }

            basis = Orthonormalise(product, new Random(iteration + 2));
        }

        var vectors = ritz.Vectors.Select(coefficients => Combine(basis, coefficients, n)).ToArray();
        return (ritz.Values, vectors);
    }

    /// <summary>Eigenpairs of the small matrix H = Vᵀ (C V); the vectors are coefficients over the basis columns.</summary>
    private static (double[] Values, double[][] Vectors) RayleighRitz(double[][] basis, double[][] product, int n)
    {
        int b = basis.Length;
        var h = new double[b * b];
        for (int i = 0; i < b; i++)
        {
            for (int j = 0; j < b; j++)
            {
                h[i * b + j] = Dot(basis[i], product[j]);
            }
        }

        for (int i = 0; i < b; i++)
        {
            for (int j = i + 1; j < b; j++)
            {
                h[i * b + j] = h[j * b + i] = 0.5 * (h[i * b + j] + h[j * b + i]);
            }
        }

        return SymmetricEigen.Decompose(h, b);
    }

    private static bool Converged((double[] Values, double[][] Vectors) ritz, double[][] basis, double[][] product, int n, int wanted)
    {
        double scale = Math.Max(Math.Abs(ritz.Values[0]), double.Epsilon);
        for (int k = 0; k < wanted; k++)
        {
            var u = Combine(basis, ritz.Vectors[k], n);
            var cu = Combine(product, ritz.Vectors[k], n);
            double residual = 0;
            for (int d = 0; d < n; d++)
            {
                double r = cu[d] - ritz.Values[k] * u[d];
                residual += r * r;
            }

            if (Math.Sqrt(residual) > ResidualTolerance * scale)
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>
    /// Modified Gram–Schmidt, applied twice for stability. A column that vanishes (the data has lower rank than the
    /// block) is replaced by a fresh random direction so the basis stays full.
    /// </summary>
    private static double[][] Orthonormalise(double[][] columns, Random random)
    {
        var result = new double[columns.Length][];
        for (int c = 0; c < columns.Length; c++)
        {
            var column = (double[])columns[c].Clone();
            double original = Math.Sqrt(Dot(column, column));
            for (int attempt = 0; ; attempt++)
            {
                for (int pass = 0; pass < 2; pass++)
                {
                    for (int p = 0; p < c; p++)
                    {
                        Subtract(column, result[p], Dot(column, result[p]));
                    }
                }

                double norm = Math.Sqrt(Dot(column, column));
                if (norm > 1e-10 * original && norm > 1e-300)
                {
                    result[c] = column.Select(x => x / norm).ToArray();
                    break;
                }

                column = RandomBlock(column.Length, 1, random)[0];
                original = Math.Sqrt(Dot(column, column));
            }
        }

        return result;
    }

    private static double[][] RandomBlock(int n, int columns, Random random) =>
        Enumerable.Range(0, columns).Select(_ => Enumerable.Range(0, n).Select(_ => random.NextDouble() - 0.5).ToArray()).ToArray();

    private static double[] Multiply(double[] matrix, int n, double[] vector)
    {
        var result = new double[n];
        for (int i = 0; i < n; i++)
        {
            result[i] = Dot(matrix.AsSpan(i * n, n), vector);
        }

        return result;
    }

    private static double[] Combine(double[][] columns, double[] coefficients, int n)
    {
        var result = new double[n];
        for (int c = 0; c < columns.Length; c++)
        {
            AddScaled(result, columns[c], coefficients[c]);
        }

        return result;
    }

    private static double Dot(ReadOnlySpan<double> a, ReadOnlySpan<double> b)
    {
        double sum = 0;
        int i = 0;
        if (Vector.IsHardwareAccelerated)
        {
            var acc = Vector<double>.Zero;
            for (; i <= a.Length - Vector<double>.Count; i += Vector<double>.Count)
            {
                acc += new Vector<double>(a[i..]) * new Vector<double>(b[i..]);
            }

            sum = Vector.Sum(acc);
        }

        for (; i < a.Length; i++)
        {
            sum += a[i] * b[i];
        }

        return sum;
    }

    private static void Subtract(double[] target, double[] direction, double amount) => AddScaled(target, direction, -amount);

    private static double[] FixSign(double[] axis)
    {
        int largest = 0;
        for (int d = 1; d < axis.Length; d++)
        {
            largest = Math.Abs(axis[d]) > Math.Abs(axis[largest]) ? d : largest;
        }

        return axis[largest] < 0 ? axis.Select(x => -x).ToArray() : axis;
    }

    private static float[][] ProjectRows(float[][] data, double[] mean, double[][] axes)
    {
        var points = new float[data.Length][];
        for (int r = 0; r < data.Length; r++)
        {
            points[r] = new float[axes.Length];
            for (int c = 0; c < axes.Length; c++)
            {
                double sum = 0;
                for (int d = 0; d < mean.Length; d++)
                {
                    sum += (data[r][d] - mean[d]) * axes[c][d];
                }

                points[r][c] = (float)sum;
            }
        }

        return points;
    }
}
