namespace SbirLab.Store.Entities;

/// <summary>Whether a metric point was logged for a training step or for a finished epoch.</summary>
public enum MetricKind
{
    Step = 0,
    Epoch = 1,
}

/// <summary>One logged figure: run, step, epoch, name, value.</summary>
public sealed class MetricPoint
{
    public long Id { get; set; }
    public long RunId { get; set; }
    public MetricKind Kind { get; set; }
    public long Step { get; set; }
    public int Epoch { get; set; }
    public string Name { get; set; } = "";

    /// <summary>The value; null stands for NaN, which SQLite cannot store as a number.</summary>
    public double? Value { get; set; }
}
