using Microsoft.AspNetCore.Components;
using Plotly.Blazor;
using Plotly.Blazor.LayoutLib;
using Plotly.Blazor.Traces;
using Plotly.Blazor.Traces.ScatterLib;
using SbirLab.Web.Services;

namespace SbirLab.Web.Components.Shared;

/// <summary>Points to append to the traces of one chart in the browser (Plotly.extendTraces).</summary>
public sealed record ChartExtension(string Id, double[][] X, object?[][] Y, int[] Indices);

/// <summary>
/// A line chart drawn by Plotly in the browser. Given new lines (by parameters with a new <see cref="Version"/>, or
/// by a live owner through <see cref="Accept"/>), it works out whether every line only grew: then just the new
/// points go to the browser (Plotly.extendTraces), else the whole chart (Plotly.react).
/// </summary>
public partial class LineChart
{
    private static int _counter;
    private readonly string _id = "chart-" + Interlocked.Increment(ref _counter);
    private readonly Config _config = new() { Responsive = true, DisplayLogo = false, DisplayModeBar = Plotly.Blazor.ConfigLib.DisplayModeBarEnum.False };
    private readonly List<(string Name, int Count, double LastX, double LastY)> _sent = [];
    private PlotlyChart? _chart;
    private IList<ITrace> _data = new List<ITrace>();
    private Plotly.Blazor.Layout _layout = new();
    private IReadOnlyList<ChartLine> _lines = [];
    private long _drawnVersion = -1;
    private bool _rendered;
    private bool _pendingReact;
    private ChartExtension? _pendingExtension;

    [Parameter, EditorRequired] public IReadOnlyList<ChartLine> Lines { get; set; } = [];
    [Parameter] public string Title { get; set; } = "";
    [Parameter] public string XTitle { get; set; } = "";
    [Parameter] public string YTitle { get; set; } = "";
    [Parameter] public bool LogY { get; set; }
    [Parameter] public bool LogX { get; set; }
    [Parameter] public int Height { get; set; } = 300;
    [Parameter] public string EmptyText { get; set; } = "no points yet";

    /// <summary>Change it to redraw (the owner bumps it when its data changed).</summary>
    [Parameter] public long Version { get; set; }

    /// <summary>Points drawn, summed over the lines that are not faint (the tests read it as data-points).</summary>
    public int PointCount => _lines.Where(l => !l.Faint).Sum(l => l.X.Length);

    protected override void OnParametersSet()
    {
        if (Version == _drawnVersion) return;
        Take(Lines, Version);
        if (_pendingExtension is not null) _ = SendPendingExtension();
    }

    /// <summary>
    /// New lines from a live owner, outside a render of its own. Returns the points to append (the owner sends
    /// those of all its charts in one call) or null when this chart will redraw whole after its next render.
    /// </summary>
    public ChartExtension? Accept(IReadOnlyList<ChartLine> lines, long version)
    {
        if (version == _drawnVersion) return null;
        Take(lines, version);
        var extension = _pendingExtension;
        _pendingExtension = null;
        if (extension is not null) Remember(lines);
        StateHasChanged();
        return extension;
    }

    private void Take(IReadOnlyList<ChartLine> lines, long version)
    {
        _drawnVersion = version;
        _lines = lines;
        _pendingExtension = _rendered && !_pendingReact ? Extension(lines) : null;
        if (_pendingExtension is null)
        {
            Build();
            _pendingReact = _rendered;
        }
    }

    /// <summary>Parameter path: the new points go through Plotly.Blazor's own extendTraces.</summary>
    private async Task SendPendingExtension()
    {
        var extension = _pendingExtension;
        _pendingExtension = null;
        if (extension is null || _chart is null) return;
        Remember(_lines);
        await _chart.ExtendTraces(extension.X.Select(x => x.Cast<object>()), extension.Y.Select(y => y.Cast<object>()), extension.Indices);
    }

    /// <summary>Plotly.react runs after the render that handed the chart its new lines.</summary>
    protected override async Task OnAfterRenderAsync(bool firstRender)
    {
        if (firstRender)
        {
            _rendered = true;
            Remember(_lines);
            return;
        }
        if (_pendingReact && _chart is not null)
        {
            _pendingReact = false;
            Remember(_lines);
            await _chart.React();
        }
    }

    private void Remember(IReadOnlyList<ChartLine> lines)
    {
        _sent.Clear();
        foreach (var line in lines)
            _sent.Add((line.Name, line.X.Length, line.X.Length > 0 ? line.X[^1] : double.NaN, line.Y.Length > 0 ? line.Y[^1] : double.NaN));
    }

    /// <summary>
    /// The points each line gained since the last send, or null when a line changed otherwise (a new line,
    /// a shorter line, another smoothing, a re-thinned series): then the chart is sent whole.
    /// </summary>
    private ChartExtension? Extension(IReadOnlyList<ChartLine> lines)
    {
        if (lines.Count != _sent.Count || lines.Count == 0) return null;
        var x = new List<double[]>();
        var y = new List<object?[]>();
        var indices = new List<int>();
        for (int i = 0; i < lines.Count; i++)
        {
            var (name, count, lastX, lastY) = _sent[i];
            var line = lines[i];
            if (line.Name != name || line.X.Length < count) return null;
            if (count > 0 && !(line.X[count - 1].Equals(lastX) && line.Y[count - 1].Equals(lastY))) return null;
            if (line.X.Length == count) continue;
            x.Add(line.X[count..]);
            y.Add(line.Y[count..].Select(Value).ToArray());
            indices.Add(i);
        }
        return new ChartExtension(_id, [.. x], [.. y], [.. indices]);
    }

    private static object? Value(double value) => double.IsFinite(value) ? value : null;

    private bool LegendShown => _lines.Count(l => l.ShowInLegend) > 1;

    private void Build()
    {
        _data = _lines.Select(Trace).ToList();
        _layout = new Plotly.Blazor.Layout
        {
            Title = new Plotly.Blazor.LayoutLib.Title { Text = Title },
            Height = Height,
            Margin = new Margin { L = 56, R = 16, T = 40, B = LegendShown ? 70 : 44 },
            XAxis = [new XAxis { Visible = _lines.Count > 0, Title = new Plotly.Blazor.LayoutLib.XAxisLib.Title { Text = XTitle }, Type = LogX ? Plotly.Blazor.LayoutLib.XAxisLib.TypeEnum.Log : Plotly.Blazor.LayoutLib.XAxisLib.TypeEnum.Linear, DTick = LogX ? "D2" : null }],
            YAxis = [new YAxis { Visible = _lines.Count > 0, Title = new Plotly.Blazor.LayoutLib.YAxisLib.Title { Text = YTitle }, Type = LogY ? Plotly.Blazor.LayoutLib.YAxisLib.TypeEnum.Log : Plotly.Blazor.LayoutLib.YAxisLib.TypeEnum.Linear }],
            ShowLegend = LegendShown,
            Legend = [new Legend { Orientation = Plotly.Blazor.LayoutLib.LegendLib.OrientationEnum.H, Y = -0.3m, YAnchor = Plotly.Blazor.LayoutLib.LegendLib.YAnchorEnum.Top }],
            UiRevision = "keep", // zoom and hidden lines survive live updates
        };
    }

    private static ITrace Trace(ChartLine line) => new Scatter
    {
        Name = line.Name,
        Mode = line.Mode == "markers" ? ModeFlag.Markers : line.Mode == "lines+markers" ? ModeFlag.Lines | ModeFlag.Markers : ModeFlag.Lines,
        X = line.X.Cast<object>().ToList(),
        Y = line.Y.Select(v => Value(v)!).ToList(),
        Line = new Plotly.Blazor.Traces.ScatterLib.Line
        {
            Color = line.Color,
            Width = line.Faint ? 1 : 2,
            Dash = line.Dashed ? "dash" : "solid",
        },
        Marker = new Marker { Color = line.Color, Size = 7 },
        Opacity = line.Faint ? 0.25m : 1m,
        LegendGroup = line.Group,
        ShowLegend = line.ShowInLegend,
        HoverInfo = line.Faint ? HoverInfoFlag.Skip : HoverInfoFlag.All,
    };
}
