namespace SbirLab.Engine.Projection;

/// <summary>
/// Eigen-decomposition of small dense symmetric matrices by the cyclic Jacobi method: plane rotations zero the
/// off-diagonal entries one at a time until they are negligible. Accurate and simple; O(n³) per sweep, so it is
/// used for matrices up to a few dozen rows (PCA uses subspace iteration above that).
/// </summary>
internal static class SymmetricEigen
{
    private const int MaxSweeps = 100;

    /// <summary>
    /// Eigenvalues in descending order and the matching unit eigenvectors (<c>vectors[i]</c> pairs with
    /// <c>values[i]</c>). <paramref name="matrix"/> is row-major n×n and is not modified.
    /// </summary>
    public static (double[] Values, double[][] Vectors) Decompose(double[] matrix, int n)
    {
        var a = (double[])matrix.Clone();
        var v = new double[n * n];
        for (int i = 0; i < n; i++)
        {
            v[i * n + i] = 1;
        }

        for (int sweep = 0; sweep < MaxSweeps && OffDiagonalNorm(a, n) > 1e-22 * (DiagonalNorm(a, n) + double.Epsilon); sweep++)
        {
            for (int p = 0; p < n - 1; p++)
            {
                for (int q = p + 1; q < n; q++)
                {
                    Rotate(a, v, n, p, q);
                }
            }
        }

        return SortDescending(a, v, n);
    }

    /// <summary>One Jacobi rotation in the (p, q) plane that zeroes a[p, q] (Numerical Recipes §11.1).</summary>
    private static void Rotate(double[] a, double[] v, int n, int p, int q)
    {
        double apq = a[p * n + q];
        if (apq == 0)
        {
            return;
        }

        double theta = (a[q * n + q] - a[p * n + p]) / (2 * apq);
        double t = Math.Sign(theta == 0 ? 1 : theta) / (Math.Abs(theta) + Math.Sqrt(theta * theta + 1));
        double c = 1 / Math.Sqrt(t * t + 1);
        double s = t * c;
        for (int k = 0; k < n; k++)
        {
            double akp = a[k * n + p], akq = a[k * n + q];
            a[k * n + p] = c * akp - s * akq;
            a[k * n + q] = s * akp + c * akq;
        }

        for (int k = 0; k < n; k++)
        {
            double apk = a[p * n + k], aqk = a[q * n + k];
            a[p * n + k] = c * apk - s * aqk;
            a[q * n + k] = s * apk + c * aqk;
        }

        for (int k = 0; k < n; k++)
        {
            double vkp = v[k * n + p], vkq = v[k * n + q];
            v[k * n + p] = c * vkp - s * vkq;
            v[k * n + q] = s * vkp + c * vkq;
        }
    }

    private static (double[] Values, double[][] Vectors) SortDescending(double[] a, double[] v, int n)
    {
        var order = Enumerable.Range(0, n).OrderByDescending(i => a[i * n + i]).ToArray();
        var values = order.Select(i => a[i * n + i]).ToArray();
        var vectors = order.Select(i => Enumerable.Range(0, n).Select(k => v[k * n + i]).ToArray()).ToArray();
        return (values, vectors);
    }

    private static double OffDiagonalNorm(double[] a, int n)
    {
        double sum = 0;
        for (int i = 0; i < n; i++)
        {
            for (int j = 0; j < n; j++)
            {
                sum += i == j ? 0 : a[i * n + j] * a[i * n + j];
            }
        }

        return sum;
    }

    private static double DiagonalNorm(double[] a, int n)
    {
        double sum = 0;
        for (int i = 0; i < n; i++)
        {
            sum += a[i * n + i] * a[i * n + i];
        }

        return sum;
    }
}
