using System.Globalization;

namespace SbirLab.Engine.Reports;

/// <summary>The ticks of one axis: the axis range they span, the tick values, and the step between them.</summary>
/// <param name="Min">Lower end of the axis.</param>
/// <param name="Max">Upper end of the axis.</param>
/// <param name="Values">Tick positions, ascending, all within [Min, Max].</param>
/// <param name="Step">Distance between linear ticks (for a log axis: the decade step, as a power of ten).</param>
/// <param name="IsLog">Whether the axis is logarithmic.</param>
public sealed record AxisTicks(double Min, double Max, double[] Values, double Step, bool IsLog = false)
{
    /// <summary>Tick label text for <paramref name="value"/>, with as many decimals as the step needs.</summary>
    public string Label(double value) => IsLog ? NiceScale.FormatLog(value) : NiceScale.FormatLinear(value, Step);
}

/// <summary>
/// Tick placement with Heckbert's "nice numbers" (Graphics Gems, 1990): steps of 1, 2 or 5 times a power of ten,
/// so labels read 0, 0.2, 0.4 rather than 0, 0.174, 0.348. Log axes get decades (plus 2 and 5 on short spans).
/// </summary>
public static class NiceScale
{
    /// <summary>
    /// A nice number near <paramref name="value"/>: with <paramref name="round"/> the nearest of 1, 2, 5, 10 times a
    /// power of ten; without, the smallest such number at least as large (used for the whole range).
    /// </summary>
    public static double NiceNumber(double value, bool round)
    {
        if (!(value > 0) || double.IsInfinity(value))
            throw new ArgumentOutOfRangeException(nameof(value), value, "Needs a positive finite number.");
        double exponent = Math.Floor(Math.Log10(value));
        double power = Math.Pow(10, exponent);
        double fraction = value / power;
        double nice = round
            ? fraction < 1.5 ? 1 : fraction < 3 ? 2 : fraction < 7 ? 5 : 10
            : fraction <= 1 ? 1 : fraction <= 2 ? 2 : fraction <= 5 ? 5 : 10;
        return nice * power;
    }

    /// <summary>
    /// Loose labelling of a data range: the axis is widened to whole steps, so for (0, 0.87) with up to six
    /// ticks the axis runs 0..1 with ticks 0, 0.2, ..., 1. A zero-width range is padded first.
    /// </summary>
    public static AxisTicks Linear(double dataMin, double dataMax, int maxTicks = 6)
    {
        (dataMin, dataMax) = Padded(dataMin, dataMax);
        double step = NiceStep(dataMin, dataMax, maxTicks);
        double min = Math.Floor(dataMin / step + 1e-9) * step;
        double max = Math.Ceiling(dataMax / step - 1e-9) * step;
        return new AxisTicks(min, max, Steps(min, max, step), step);
    }

    /// <summary>Ticks at nice values inside a fixed range (the axis keeps exactly [min, max]).</summary>
    public static AxisTicks LinearWithin(double min, double max, int maxTicks = 6)
    {
        (min, max) = Padded(min, max);
        double step = NiceStep(min, max, maxTicks);
        double first = Math.Ceiling(min / step - 1e-9) * step;
        double last = Math.Floor(max / step + 1e-9) * step;
        return new AxisTicks(min, max, Steps(first, last, step), step);
    }

    /// <summary>
    /// Log axis over positive data: from the decade at or below the minimum to the one at or above the maximum;
    /// spans of up to two decades also get ticks at 2 and 5 times each power of ten.
    /// </summary>
    public static AxisTicks Log(double dataMin, double dataMax)
    {
        if (!(dataMin > 0) || !(dataMax >= dataMin))
            throw new ArgumentOutOfRangeException(nameof(dataMin), "A log axis needs 0 < min <= max.");
        int low = (int)Math.Floor(Math.Log10(dataMin) + 1e-9);
        int high = (int)Math.Ceiling(Math.Log10(dataMax) - 1e-9);
        if (high == low)
            high++;
        int decadeStep = Math.Max(1, (int)Math.Ceiling((high - low) / 8.0));
        var values = new List<double>();
        for (int e = low; e <= high; e += decadeStep)
        {
            values.Add(Math.Pow(10, e));
            if (high - low <= 2 && e < high)
                values.AddRange([2 * Math.Pow(10, e), 5 * Math.Pow(10, e)]);
        }
        return new AxisTicks(Math.Pow(10, low), Math.Pow(10, high), [.. values], Math.Pow(10, decadeStep), IsLog: true);
    }

    /// <summary>Formats a linear tick: decimals from the step, "k" for thousands, exponent form for tiny steps.</summary>
    public static string FormatLinear(double value, double step)
    {
        if (Math.Abs(value) < step * 1e-6)
            return "0";
        if (step < 1e-3)
            return value.ToString("0.##e0", CultureInfo.InvariantCulture);
        if (step >= 1000 && Math.Abs(value) >= 10_000)
            return FormatLinear(value / 1000, step / 1000) + "k";
        int decimals = Math.Max(0, -(int)Math.Floor(Math.Log10(step) + 1e-9));
        return value.ToString("F" + decimals, CultureInfo.InvariantCulture);
    }

    /// <summary>Formats a log tick: plain for 0.001..10000, otherwise like "1e-5" or "2e6".</summary>
    public static string FormatLog(double value)
    {
        int exponent = (int)Math.Floor(Math.Log10(value) + 1e-9);
        if (exponent is >= -3 and <= 4)
            return value.ToString("0.####", CultureInfo.InvariantCulture);
        double mantissa = Math.Round(value / Math.Pow(10, exponent), 3);
        string head = mantissa == 1 ? "1" : mantissa.ToString("0.##", CultureInfo.InvariantCulture);
        return $"{head}e{exponent}";
    }

    private static double NiceStep(double min, double max, int maxTicks)
    {
        if (maxTicks < 2)
            throw new ArgumentOutOfRangeException(nameof(maxTicks), "At least two ticks.");
        double range = NiceNumber(max - min, round: false);
        return NiceNumber(range / (maxTicks - 1), round: true);
    }

    /// <summary>
    /// Log ticks inside a fixed positive range (the axis keeps exactly [min, max]): decades, plus 2 and 5 times each
    /// decade on spans of up to two decades. Too narrow a range for two such ticks gets the loose decade axis instead.
    /// </summary>
    public static AxisTicks LogWithin(double min, double max)
    {
        var loose = Log(min, max);
        var inside = loose.Values.Where(v => v >= min * (1 - 1e-9) && v <= max * (1 + 1e-9)).ToArray();
        return inside.Length >= 2 ? loose with { Min = min, Max = max, Values = inside } : loose;
    }

    /// <summary>The range itself, or, when it has no width, widened by 10% of the value (±1 around zero).</summary>
    internal static (double Min, double Max) Padded(double min, double max)
    {
        if (!double.IsFinite(min) || !double.IsFinite(max) || max < min)
            throw new ArgumentOutOfRangeException(nameof(min), $"Bad range [{min}, {max}].");
        if (max - min > Math.Max(Math.Abs(min), Math.Abs(max)) * 1e-12)
            return (min, max);
        double pad = min == 0 ? 1 : Math.Abs(min) * 0.1;
        return (min - pad, max + pad);
    }

    private static double[] Steps(double first, double last, double step)
    {
        int count = (int)Math.Round((last - first) / step) + 1;
        // Multiplying (rather than adding repeatedly) and rounding to the step's scale avoids 0.6000000000000001.
        double scale = Math.Pow(10, Math.Max(0, -Math.Floor(Math.Log10(step))) + 2);
        return [.. Enumerable.Range(0, count).Select(i => Math.Round((first + i * step) * scale) / scale)];
    }
}
