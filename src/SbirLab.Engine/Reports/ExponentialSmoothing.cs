namespace SbirLab.Engine.Reports;

/// <summary>
/// TensorBoard's scalar smoothing: an exponential moving average with weight w in [0, 1),
/// <c>last = w·last + (1 − w)·value</c>. By default it is debiased the way TensorBoard does since 2019:
/// the average starts at 0 and is divided by <c>1 − w^n</c> after n finite values, so early points are not
/// pulled towards the first value (for w = 0.5 over [0, 2, 2]: 0, 1/0.75 = 4/3, 1.5/0.875 = 12/7).
/// Without debiasing the average starts at the first finite value (older TensorBoard: 0, 1, 1.5).
/// Non-finite values pass through as NaN and leave the average untouched.
/// </summary>
public static class ExponentialSmoothing
{
    /// <summary>The smoothed copy of <paramref name="values"/>.</summary>
    /// <remarks>
    /// w^n is kept as a running product, not a <see cref="Math.Pow(double, double)"/> per value: a compare of 50 runs
    /// smooths 5 million points, and the power call was most of that time. The product drifts from Math.Pow by a few
    /// units in the last place after 100,000 values, far below what a chart shows.
    /// </remarks>
    public static double[] Ema(ReadOnlySpan<double> values, double weight, bool debias = true)
    {
        if (!(weight >= 0 && weight < 1))
            throw new ArgumentOutOfRangeException(nameof(weight), weight, "Smoothing weight must be in [0, 1).");
        var smoothed = new double[values.Length];
        double last = double.NaN, power = 1; // power: w^n after n finite values
        bool seen = false;
        for (int i = 0; i < values.Length; i++)
        {
            double value = values[i];
            if (!double.IsFinite(value))
            {
                smoothed[i] = double.NaN;
                continue;
            }
            last = seen ? last : (debias ? 0 : value);
            last = weight * last + (1 - weight) * value;
            seen = true;
            power *= weight;
            smoothed[i] = debias ? last / (1 - power) : last;
        }
        return smoothed;
    }
}
