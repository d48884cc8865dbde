using System.Text.Json;
using Microsoft.AspNetCore.Components;
using Microsoft.JSInterop;
using SbirLab.Core.Configs;
using SbirLab.Web.Endpoints;

namespace SbirLab.Web.Components.Shared;

/// <summary>An answer that reached the page: the search's sequence number, the answer, its round trip and what started it.</summary>
public sealed record SketchAnswerEvent(int Seq, SearchAnswerJson Answer, double RoundTripMs, string Reason, string? FileName);

/// <summary>
/// The sketch canvas. The JavaScript module (wwwroot-assets/sketch-canvas.js, served at /assets) owns the pointer input,
/// the vectors (Quick, Draw! format), undo / redo and the requests to the search API; this component owns the tools
/// and hands every answer to the page, which renders it. Changing <see cref="SearchUrl"/>, <see cref="K"/> or
/// <see cref="Index"/> searches the current drawing again.
/// </summary>
public partial class SketchCanvas
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);
    private ElementReference _canvas;
    private ElementReference _upload;
    private IJSObjectReference? _module;
    private IJSObjectReference? _controller;
    private DotNetObjectReference<SketchCanvas>? _self;
    private int _strokes, _points, _penWidth = 6;
    private bool _canUndo, _canRedo;

    [Inject] private IJSRuntime JS { get; set; } = default!;

    /// <summary>POST address for drawings (null: nothing to search yet).</summary>
    [Parameter] public string? SearchUrl { get; set; }

    /// <summary>POST address for uploaded sketch images.</summary>
    [Parameter] public string? UploadUrl { get; set; }

    [Parameter] public int K { get; set; } = 10;

    /// <summary>An evaluation.index name (<see cref="IndexKind"/>), or null for the run's default.</summary>
    [Parameter] public string? Index { get; set; }

    /// <summary>Search while a stroke is being drawn (throttled), not only when it ends.</summary>
    [Parameter] public bool Live { get; set; } = true;

    [Parameter] public EventCallback<SketchAnswerEvent> OnAnswer { get; set; }
    [Parameter] public EventCallback<string> OnSearching { get; set; }
    [Parameter] public EventCallback<string> OnError { get; set; }
    [Parameter] public EventCallback OnCleared { get; set; }

    private object Options => new { searchUrl = SearchUrl, uploadUrl = UploadUrl, k = K, index = Index, live = Live, penWidth = _penWidth };

    protected override async Task OnAfterRenderAsync(bool firstRender)
    {
        if (!firstRender) return;
        _self = DotNetObjectReference.Create(this);
        _module = await JS.InvokeAsync<IJSObjectReference>("import", BrowserAssets.Url("sketch-canvas.js"));
        _controller = await _module.InvokeAsync<IJSObjectReference>("create", _canvas, _self, Options, _upload);
    }

    protected override async Task OnParametersSetAsync()
    {
        if (_controller is not null) await _controller.InvokeVoidAsync("configure", Options);
    }

    private async Task Call(string method)
    {
        if (_controller is not null) await _controller.InvokeVoidAsync(method);
    }

    private async Task PenWidthChanged(int width)
    {
        _penWidth = width;
        if (_controller is not null) await _controller.InvokeVoidAsync("setPenWidth", width);
    }

    [JSInvokable]
    public void CanvasState(int strokes, int points, bool canUndo, bool canRedo)
    {
        (_strokes, _points, _canUndo, _canRedo) = (strokes, points, canUndo, canRedo);
        StateHasChanged();
    }

    [JSInvokable]
    public Task SearchStarted(int seq, string reason) => OnSearching.InvokeAsync(reason);

    [JSInvokable]
    public async Task AnswerArrived(int seq, string json, double roundTripMs, string reason, string? fileName)
    {
        var answer = JsonSerializer.Deserialize<SearchAnswerJson>(json, Json);
        if (answer is not null) await OnAnswer.InvokeAsync(new SketchAnswerEvent(seq, answer, roundTripMs, reason, fileName));
    }

    [JSInvokable]
    public Task SearchFailed(int seq, string message) => OnError.InvokeAsync(message);

    [JSInvokable]
    public Task CanvasCleared() => OnCleared.InvokeAsync();

    public async ValueTask DisposeAsync()
    {
        try
        {
            if (_controller is not null)
            {
                await _controller.InvokeVoidAsync("dispose");
                await _controller.DisposeAsync();
            }
            if (_module is not null) await _module.DisposeAsync();
        }
        catch (JSDisconnectedException) { /* the browser is gone */ }
        _self?.Dispose();
    }
}
