using Microsoft.AspNetCore.Components;
using Plotly.Blazor;
using Plotly.Blazor.LayoutLib;
using Plotly.Blazor.Traces;
using Plotly.Blazor.Traces.ScatterLib;
using SbirLab.Web.Services;

namespace SbirLab.Web.Components.Shared;

/// <summary>
/// A line chart drawn by Plotly in the browser. The lines are rebuilt and sent with Plotly.react when
/// <see cref="Version"/> changes, so a live chart costs one message per update, not per point.
/// </summary>
public partial class LineChart
{
    private static int _counter;
    private readonly string _id = "chart-" + Interlocked.Increment(ref _counter);
    private PlotlyChart? _chart;
    private IList<ITrace> _data = new List<ITrace>();
    private Plotly.Blazor.Layout _layout = new();
    private readonly Config _config = new() { Responsive = true, DisplayLogo = false, DisplayModeBar = Plotly.Blazor.ConfigLib.DisplayModeBarEnum.False };
    private long _drawnVersion = -1;
    private bool _rendered;
    private bool _pendingReact;

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

    /// <summary>Points drawn, summed over the lines that are not faint (the e2e tests read it as data-points).</summary>
    public int PointCount => Lines.Where(l => !l.Faint).Sum(l => l.X.Length);

    protected override void OnParametersSet()
    {
        if (Version == _drawnVersion) return;
        _drawnVersion = Version;
        Build();
        _pendingReact = _rendered;
    }

    /// <summary>Plotly.react runs after the render that handed the chart its new lines.</summary>
    protected override async Task OnAfterRenderAsync(bool firstRender)
    {
        if (firstRender) _rendered = true;
        if (_pendingReact && _chart is not null)
        {
            _pendingReact = false;
            await _chart.React();
        }
    }

    private void Build()
    {
        _data = Lines.Select(Trace).ToList();
        _layout = new Plotly.Blazor.Layout
        {
            Title = new Plotly.Blazor.LayoutLib.Title { Text = Title },
            Height = Height,
            Margin = new Margin { L = 56, R = 16, T = 40, B = 44 },
            XAxis = [new XAxis { Title = new Plotly.Blazor.LayoutLib.XAxisLib.Title { Text = XTitle }, Type = LogX ? Plotly.Blazor.LayoutLib.XAxisLib.TypeEnum.Log : Plotly.Blazor.LayoutLib.XAxisLib.TypeEnum.Linear, DTick = LogX ? "D2" : null }],
            YAxis = [new YAxis { Title = new Plotly.Blazor.LayoutLib.YAxisLib.Title { Text = YTitle }, Type = LogY ? Plotly.Blazor.LayoutLib.YAxisLib.TypeEnum.Log : Plotly.Blazor.LayoutLib.YAxisLib.TypeEnum.Linear }],
            ShowLegend = Lines.Count(l => l.ShowInLegend) > 1,
            Legend = [new Legend { Orientation = Plotly.Blazor.LayoutLib.LegendLib.OrientationEnum.H, Y = -0.25m }],
            UiRevision = "keep", // zoom and hidden lines survive live updates
        };
    }

    private static ITrace Trace(ChartLine line) => new Scatter
    {
        Name = line.Name,
        Mode = line.Mode == "markers" ? ModeFlag.Markers : line.Mode == "lines+markers" ? ModeFlag.Lines | ModeFlag.Markers : ModeFlag.Lines,
        X = line.X.Cast<object>().ToList(),
        Y = line.Y.Select(v => double.IsFinite(v) ? (object)v : null!).ToList(),
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
