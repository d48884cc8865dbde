using System.Diagnostics;
using System.Globalization;
using System.Runtime.InteropServices;
using Microsoft.AspNetCore.Components;
using Microsoft.JSInterop;
using SbirLab.Core.Curves;
using SbirLab.Web.Services;

namespace SbirLab.Web.Components.Shared;

/// <summary>
/// Points to append to the traces of one chart in the browser (Plotly.extendTraces), after cutting each trace back
/// to <see cref="Keep"/> points (the last bucket of a down-sampled live curve changes as it fills).
/// </summary>
public sealed record ChartExtension(string Id, double[][] X, object?[][] Y, int[] Indices, int[] Keep);

/// <summary>A chart's traces for the browser (Plotly's trace objects, each with its point count) and all their points, packed (<see cref="LineChart.Figure"/>).</summary>
public sealed record ChartFigure(object[] Traces, byte[] Points);

/// <summary>
/// A line chart drawn by plotly.js (the Plotly.Blazor package's copy) through the lab's small chart module.
/// Given new lines (by parameters with a new <see cref="Version"/>, or by a live owner through <see cref="Accept"/>)
/// it works out whether every line only grew: then only the new points go to the browser, else the chart is
/// drawn whole. Live charts thus cost a few numbers per update, whatever the length of the curves.
/// With <see cref="Refine"/> set, a zoom or pan in the browser reports the new x-range and the plot's width in
/// pixels; the chart then draws the lines <see cref="Refine"/> gives for that window (the server down-samples the
/// range at full resolution), and <see cref="Window"/> tells the owner which window to build later lines for.
/// </summary>
public partial class LineChart : IDisposable
{
    /// <summary>Points a live update may take back from the end of a line (its last bucket) and still only append.</summary>
    public const int MaxReplacedPoints = 16;

    private static int _counter;
    private readonly string _id = "chart-" + Interlocked.Increment(ref _counter);
    private readonly List<ChartLine> _sent = [];
    private DotNetObjectReference<LineChart>? _self;
    private IReadOnlyList<ChartLine> _lines = [];
    private long _drawnVersion = -1;
    private bool _drawn;
    private bool _disposed;

    [Inject] private ChartScript Script { get; set; } = default!;
    [Inject] private ILogger<LineChart> Log { get; set; } = default!;

    [Parameter, EditorRequired] public IReadOnlyList<ChartLine> Lines { get; set; } = [];
    [Parameter] public string Title { get; set; } = "";
    [Parameter] public string XTitle { get; set; } = "";
    [Parameter] public string YTitle { get; set; } = "";
    [Parameter] public bool LogY { get; set; }
    [Parameter] public bool LogX { get; set; }
    [Parameter] public int Height { get; set; } = 300;
    [Parameter] public string EmptyText { get; set; } = "no points yet";

    /// <summary>A line of text under the chart (what it leaves out, say); none when null.</summary>
    [Parameter] public string? Note { get; set; }

    /// <summary>Change it to redraw (the owner bumps it when its data changed).</summary>
    [Parameter] public long Version { get; set; }

    /// <summary>The lines for a window the browser zoomed or panned to; null: the chart does not refine (it keeps what it drew).</summary>
    [Parameter] public Func<CurveWindow, Task<IReadOnlyList<ChartLine>>>? Refine { get; set; }

    /// <summary>The window shown now: the whole curve until the browser reports a zoom.</summary>
    public CurveWindow Window { get; private set; } = CurveWindow.Whole;

    /// <summary>Refinements drawn so far (the tests and the benchmark wait on data-refined).</summary>
    public int Refinements { get; private set; }

    /// <summary>
    /// A zoom, pan or reset in the browser (plotly_relayout): null ends mean the whole curve. The window is checked
    /// (a browser's numbers are input), the lines for it are built and drawn whole.
    /// </summary>
    [JSInvokable]
    public async Task Relayout(double? from, double? to, int width)
    {
        if (Refine is null || _disposed) return;
        var window = CurveWindow.Checked(from, to, Math.Clamp(width, 1, CurveWindow.MaxWidth));
        if (window == Window) return;
        Window = window;
        long started = Stopwatch.GetTimestamp();
        var lines = await Refine(window);
        if (Window != window) return; // a newer zoom came meanwhile
        _lines = lines;
        Refinements++;
        var refined = Stopwatch.GetElapsedTime(started);
        var sent = Draw();
        // The server's part of a zoom (the charts benchmark reads it): the lines built, then the traces built and
        // serialised for the browser (Draw returns once the call is on its way; the browser draws meanwhile).
        if (Log.IsEnabled(LogLevel.Debug))
            Log.LogDebug("chart refined: {Title}, {Lines} lines, {Points} points, lines built in {RefineMs:F1} ms, traces built and serialised in {SendMs:F1} ms",
                Title, lines.Count, lines.Sum(l => l.X.Length), refined.TotalMilliseconds, (Stopwatch.GetElapsedTime(started) - refined).TotalMilliseconds);
        await sent;
    }

    /// <summary>Whether the first draw went out: points that come before it travel in that draw, not as an update.</summary>
    public bool Drawn => _drawn;

    /// <summary>Points drawn, summed over the lines that are not faint (the tests read it as data-points).</summary>
    public int PointCount => _lines.Where(l => !l.Faint).Sum(l => l.X.Length);

    protected override void OnParametersSet()
    {
        if (Version == _drawnVersion) return;
        if (Take(Lines, Version) is { } extension) _ = Send(module => module.InvokeVoidAsync("extend", [new[] { Payload(extension) }]));
    }

    /// <summary>The first draw, once the chart's element is in the page.</summary>
    protected override async Task OnAfterRenderAsync(bool firstRender)
    {
        if (!firstRender) return;
        try { await Script.Module; }
        catch (Exception e) when (e is JSDisconnectedException or JSException or TaskCanceledException) { return; }
        if (!_drawn) await Draw();
    }

    /// <summary>
    /// New lines from a live owner. Returns the points to append (the owner sends those of all its charts in one
    /// call), or null when there is nothing to append or the chart was redrawn whole.
    /// </summary>
    public ChartExtension? Accept(IReadOnlyList<ChartLine> lines, long version)
    {
        if (version == _drawnVersion) return null;
        bool wasEmpty = _lines.Count == 0;
        var extension = Take(lines, version);
        // The markup changes only between empty and not: a live update otherwise renders nothing here
        // (data-points then says what the last render had; PointCount is always current).
        if (wasEmpty != (lines.Count == 0)) StateHasChanged();
        return extension;
    }

    /// <summary>Keeps the lines; returns what to append, or draws the chart whole (or later, before the first draw).</summary>
    private ChartExtension? Take(IReadOnlyList<ChartLine> lines, long version)
    {
        _drawnVersion = version;
        bool stillEmpty = lines.Count == 0 && _lines.Count == 0;
        _lines = lines;
        if (!_drawn || Script.Loaded is null) return null; // the first draw will show them
        if (stillEmpty) return null; // a chart with nothing yet (no epoch evaluated): nothing to redraw
        if (Extension(lines) is not { } extension)
        {
            _ = Draw();
            return null;
        }
        Remember(lines);
        return extension.Indices.Length > 0 ? extension : null;
    }

    private Task Draw()
    {
        _drawn = true;
        Remember(_lines);
        var (figure, layout) = (Figure(_lines), Layout());
        if (Refine is not null) _self ??= DotNetObjectReference.Create(this);
        int refined = Refinements;
        return Send(module => module.InvokeVoidAsync("draw", _id, figure.Traces, figure.Points, layout, Config, _self, refined));
    }

    private async Task Send(Func<IJSObjectReference, ValueTask> call)
    {
        if (_disposed || Script.Loaded is not { } module) return;
        try { await call(module); }
        catch (Exception e) when (e is JSDisconnectedException or JSException or TaskCanceledException or ObjectDisposedException)
        {
            // the tab closed or the chart left the page
        }
    }

    public static object Payload(ChartExtension e) => new { id = e.Id, x = e.X, y = e.Y, indices = e.Indices, keep = e.Keep };

    private void Remember(IReadOnlyList<ChartLine> lines)
    {
        _sent.Clear();
        _sent.AddRange(lines);
    }

    /// <summary>
    /// What each line changed since the last send, as points cut from its end and points appended, or null when a
    /// line changed otherwise (a new line, another smoothing, a new bucket width, more than
    /// <see cref="MaxReplacedPoints"/> points replaced): then the chart is drawn whole.
    /// </summary>
    private ChartExtension? Extension(IReadOnlyList<ChartLine> lines)
    {
        if (lines.Count != _sent.Count || lines.Count == 0) return null;
        var (x, y, indices, keep) = (new List<double[]>(), new List<object?[]>(), new List<int>(), new List<int>());
        for (int i = 0; i < lines.Count; i++)
        {
            var (sent, line) = (_sent[i], lines[i]);
            if (line.Name != sent.Name) return null;
            int common = CommonPrefix(sent, line);
            if (common == sent.X.Length && common == line.X.Length) continue;
            if (sent.X.Length - common > MaxReplacedPoints) return null;
            x.Add(line.X[common..]);
            y.Add(Values(line.Y[common..]));
            indices.Add(i);
            keep.Add(common);
        }
        return new ChartExtension(_id, [.. x], [.. y], [.. indices], [.. keep]);
    }

    private static int CommonPrefix(ChartLine a, ChartLine b)
    {
        int n = Math.Min(a.X.Length, b.X.Length), i = 0;
        while (i < n && a.X[i].Equals(b.X[i]) && a.Y[i].Equals(b.Y[i])) i++;
        return i;
    }

    /// <summary>
    /// Values for Plotly: NaN and infinities as null (a gap), the rest at single precision (seven digits, more than a
    /// chart shows), which makes the payload of a compare of many runs about a third smaller.
    /// </summary>
    private static object?[] Values(double[] values) => values.Select(v => double.IsFinite(v) ? (object?)(float)v : null).ToArray();

    private static readonly object Config = new { responsive = true, displaylogo = false, displayModeBar = false };

    /// <summary>
    /// Legend entries Plotly draws in the chart. Past them the chart draws its own legend under the plot (HTML, one
    /// button per entry, which hides or shows its lines): Plotly's legend of a 50-run compare took most of the chart's
    /// height, left the plot a strip, and was laid out again on every zoom.
    /// </summary>
    public const int PlotlyLegendUpTo = 10;

    private List<ChartLine> LegendLines => [.. _lines.Where(l => l.ShowInLegend)];

    private bool LegendShown => LegendLines.Count is > 1 and <= PlotlyLegendUpTo;

    private bool OwnLegend => LegendLines.Count > PlotlyLegendUpTo;

    private object Layout() => new
    {
        title = new { text = PlotlyText.Escape(Title) },
        height = Height,
        margin = new { l = 56, r = 16, t = 40, b = LegendShown ? 70 : 44 },
        xaxis = Axis(XTitle, LogX),
        yaxis = Axis(YTitle, LogY),
        showlegend = LegendShown,
        legend = new { orientation = "h", y = -0.3, yanchor = "top" },
        uirevision = "keep", // zoom and hidden lines survive updates
    };

    private Dictionary<string, object?> Axis(string title, bool log)
    {
        var axis = new Dictionary<string, object?>
        {
            ["title"] = new { text = PlotlyText.Escape(title) },
            ["type"] = log ? "log" : "linear",
            ["visible"] = _lines.Count > 0,
        };
        if (log) axis["dtick"] = "D2";
        return axis;
    }

    /// <summary>
    /// The lines as Plotly traces without their points (each says its count, <c>n</c>), and the points of all of them
    /// in one byte array: every line's x as float64, then every line's y as float32 (single precision: seven digits,
    /// more than a chart shows; NaN and infinities as NaN, a gap), in line order. A byte array goes to the browser as
    /// binary, not as JSON numbers: a zoom on a compare of 50 runs draws 100 traces of some 500 points each, and
    /// formatting, sending and parsing those numbers as JSON text took longer than drawing them. The browser wraps
    /// the bytes in typed arrays, which Plotly also draws without copying them.
    /// </summary>
    public static ChartFigure Figure(IReadOnlyList<ChartLine> lines)
    {
        if (!BitConverter.IsLittleEndian) throw new PlatformNotSupportedException("the chart points are sent little-endian, as browsers read typed arrays");
        int total = lines.Sum(l => l.X.Length);
        var points = new byte[12 * total];
        var xs = MemoryMarshal.Cast<byte, double>(points.AsSpan(0, 8 * total));
        var ys = MemoryMarshal.Cast<byte, float>(points.AsSpan(8 * total));
        int at = 0;
        foreach (var line in lines)
        {
            line.X.CopyTo(xs[at..]);
            for (int i = 0; i < line.Y.Length; i++) ys[at + i] = double.IsFinite(line.Y[i]) ? (float)line.Y[i] : float.NaN;
            at += line.X.Length;
        }
        return new ChartFigure([.. lines.Select(Trace)], points);
    }

    /// <summary>One line as a Plotly trace, without its points (see <see cref="Figure"/>). Its name is escaped: Plotly reads names as pseudo-HTML (links, tags), and names come from users.</summary>
    internal static object Trace(ChartLine line) => new
    {
        type = "scatter",
        name = PlotlyText.Escape(line.Name),
        mode = line.Mode,
        n = line.X.Length,
        line = new { color = line.Color, width = line.Faint ? 1 : 2, dash = line.Dashed ? "dash" : "solid" },
        marker = new { color = line.Color, size = 7 },
        opacity = line.Faint ? 0.25 : 1.0,
        legendgroup = line.Group ?? line.Name,
        showlegend = line.ShowInLegend,
        hoverinfo = line.Faint ? "skip" : "all",
    };

    public void Dispose()
    {
        _disposed = true;
        _self?.Dispose();
    }

    /// <summary>For messages: the chart's id and title.</summary>
    public override string ToString() => string.Create(CultureInfo.InvariantCulture, $"{_id} {Title}");
}
