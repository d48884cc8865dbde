namespace SbirLab.Engine.Reports;

/// <summary>
/// What a <see cref="LineChart"/> draws: a title, axis labels, the series, and the axis options.
/// </summary>
/// <param name="Title">Text above the plot.</param>
/// <param name="XLabel">Label under the x axis.</param>
/// <param name="YLabel">Label beside the y axis (drawn rotated).</param>
/// <param name="Series">The curves; each gets a palette colour unless it names its own.</param>
/// <param name="LogY">Logarithmic y axis; points with y &lt;= 0 are skipped.</param>
/// <param name="Smoothing">
/// TensorBoard-style EMA weight in [0, 1). Above 0, each series is drawn faint as recorded with its smoothed
/// curve on top (see <see cref="ExponentialSmoothing"/>).
/// </param>
/// <param name="XRange">Fixed x range; otherwise a "nice" range around the data.</param>
/// <param name="YRange">Fixed y range; otherwise a "nice" range around the data.</param>
public sealed record ChartSpec(
    string Title,
    string XLabel,
    string YLabel,
    IReadOnlyList<Series> Series,
    bool LogY = false,
    double Smoothing = 0,
    (double Min, double Max)? XRange = null,
    (double Min, double Max)? YRange = null);

/// <summary>One named curve of a chart: x and y values of the same length; NaN or infinite points are skipped.</summary>
/// <param name="Name">Legend text.</param>
/// <param name="X">X values.</param>
/// <param name="Y">Y values.</param>
/// <param name="Color">Hex colour such as "#4E79A7"; null takes the next palette colour.</param>
/// <param name="Dashed">Draw the curve dashed (e.g. validation next to training).</param>
public sealed record Series(string Name, double[] X, double[] Y, string? Color = null, bool Dashed = false);
