namespace SbirLab.Web.Services;

/// <summary>
/// Estimates when a run will finish from the progress it made recently: the rate is measured over the
/// observations of the last <see cref="Window"/> (a pause or a resume does not drag it for long).
/// </summary>
public sealed class EtaEstimator(TimeSpan? window = null)
{
    private readonly Queue<(DateTime Time, long Step)> _samples = new();

    public TimeSpan Window { get; } = window ?? TimeSpan.FromSeconds(60);

    public void Observe(DateTime time, long step)
    {
        if (_samples.Count > 0 && step < _samples.Last().Step) _samples.Clear(); // restarted from a checkpoint
        _samples.Enqueue((time, step));
        while (_samples.Count > 2 && time - _samples.Peek().Time > Window) _samples.Dequeue();
    }

    /// <summary>Steps per second over the window, or null before two observations that differ.</summary>
    public double? StepsPerSecond
    {
        get
        {
            if (_samples.Count < 2) return null;
            var (t0, s0) = _samples.Peek();
            var (t1, s1) = _samples.Last();
            double seconds = (t1 - t0).TotalSeconds;
            return seconds > 0 && s1 > s0 ? (s1 - s0) / seconds : null;
        }
    }

    /// <summary>Time left to reach <paramref name="totalSteps"/>, or null when no rate is known yet.</summary>
    public TimeSpan? Remaining(long totalSteps)
    {
        if (StepsPerSecond is not { } rate || _samples.Count == 0) return null;
        long left = Math.Max(0, totalSteps - _samples.Last().Step);
        return TimeSpan.FromSeconds(left / rate);
    }

    /// <summary>"1 h 04 min", "3 min 05 s", "12 s".</summary>
    public static string Format(TimeSpan? span)
    {
        if (span is not { } t) return "–";
        if (t.TotalHours >= 1) return $"{(int)t.TotalHours} h {t.Minutes:D2} min";
        if (t.TotalMinutes >= 1) return $"{t.Minutes} min {t.Seconds:D2} s";
        return $"{Math.Max(0, (int)Math.Ceiling(t.TotalSeconds))} s";
    }
}
