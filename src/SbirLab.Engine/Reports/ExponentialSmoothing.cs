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
    public static double[] Ema(IReadOnlyList<double> values, double weight, bool debias = true)
    {
        ArgumentNullException.ThrowIfNull(values);
        if (!(weight >= 0 && weight < 1))
            throw new ArgumentOutOfRangeException(nameof(weight), weight, "Smoothing weight must be in [0, 1).");
        var smoothed = new double[values.Count];
        double last = double.NaN;
        int finiteSeen = 0;
        for (int i = 0; i < values.Count; i++)
        {
            double value = values[i];
            if (!double.IsFinite(value))
            {
                smoothed[i] = double.NaN;
                continue;
            }
            last = finiteSeen == 0 ? (debias ? 0 : value) : last;
            last = weight * last + (1 - weight) * value;
            finiteSeen++;
            smoothed[i] = debias ? last / (1 - Math.Pow(weight, finiteSeen)) : last;
        }
        return smoothed;
    }
}
