using Microsoft.JSInterop;
using SbirLab.Web.Endpoints;

namespace SbirLab.Web.Services;

/// <summary>The browser side of the line charts (wwwroot-assets/live-charts.js, served at /assets), imported once per browser tab.</summary>
public sealed class ChartScript(IJSRuntime js) : IAsyncDisposable
{
    private Task<IJSObjectReference>? _module;

    public Task<IJSObjectReference> Module => _module ??= js.InvokeAsync<IJSObjectReference>("import", BrowserAssets.Url("live-charts.js")).AsTask();

    /// <summary>The module when it has loaded, else null (nothing waits for it).</summary>
    public IJSObjectReference? Loaded => _module is { IsCompletedSuccessfully: true } task ? task.Result : null;

    public async ValueTask DisposeAsync()
    {
        if (_module is { IsCompletedSuccessfully: true } task)
        {
            try { await task.Result.DisposeAsync(); }
            catch (JSDisconnectedException) { /* the tab closed */ }
        }
    }
}
