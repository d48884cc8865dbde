using System.Diagnostics;
using SbirLab.Core.Configs;

namespace SbirLab.Tests;

/// <summary>
/// Records the config checks (<see cref="ConfigValidator.Tracing"/>) made by the code a test calls while it is open:
/// the trace is a parent activity of the test's own, so checks made by tests running in parallel are not counted.
/// </summary>
internal sealed class ValidationTrace : IDisposable
{
    private readonly ActivityListener _listener;
    private readonly Activity _parent;
    private readonly List<(string Name, string Boundary)> _checks = [];

    public ValidationTrace()
    {
        _parent = new Activity("test").Start();
        var trace = _parent.TraceId;
        _listener = new ActivityListener
        {
            ShouldListenTo = source => source == ConfigValidator.Tracing,
            Sample = (ref ActivityCreationOptions<ActivityContext> options) =>
                options.Parent.TraceId == trace ? ActivitySamplingResult.AllData : ActivitySamplingResult.None,
            ActivityStopped = activity =>
            {
                lock (_checks) _checks.Add(((string)activity.GetTagItem("sbirlab.run.name")!, (string)activity.GetTagItem("sbirlab.boundary")!));
            },
        };
        ActivitySource.AddActivityListener(_listener);
    }

    /// <summary>The names of the runs whose config was checked at the enqueue boundary, one entry per check, in order.</summary>
    public IReadOnlyList<string> AtEnqueue => Checks("enqueue");

    /// <summary>The same at the start boundary (<see cref="ConfigValidator.ForStart"/>).</summary>
    public IReadOnlyList<string> AtStart => Checks("start");

    private List<string> Checks(string boundary)
    {
        lock (_checks) return _checks.Where(c => c.Boundary == boundary).Select(c => c.Name).ToList();
    }

    public void Dispose()
    {
        _listener.Dispose();
        _parent.Stop();
    }
}
