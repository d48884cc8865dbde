namespace SbirLab.Engine.Projection;

/// <summary>The outcome of <see cref="Pca.Project"/>.</summary>
/// <param name="Points">Each input row's coordinates along the components (centred: every column has mean 0).</param>
/// <param name="Components">Unit principal directions in input space, largest variance first. The sign is fixed so
/// that each direction's largest-magnitude coordinate is positive, making results reproducible.</param>
/// <param name="ExplainedVarianceRatios">Variance along each component divided by the total variance (sum of all
/// eigenvalues); 0 when the data has no variance.</param>
/// <param name="Mean">The mean row that was subtracted.</param>
public sealed record PcaResult(float[][] Points, double[][] Components, double[] ExplainedVarianceRatios, double[] Mean);
