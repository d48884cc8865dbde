using System.Globalization;
using Microsoft.AspNetCore.Components;
using SbirLab.Core.Configs;
using SbirLab.Runs;
using SbirLab.Web.Components.Shared;
using SbirLab.Web.Endpoints;
using SbirLab.Web.Services;

namespace SbirLab.Web.Components.Pages;

/// <summary>
/// The sketch search page: pick a completed run with a gallery index, draw (or upload a sketch) and see the run's
/// top-K gallery photos with their class and distance, the class of the best matches and the time taken. Results
/// refresh while drawing, at every stroke end and on demand; exact or HNSW search. The run is named in the address
/// (<c>/search?run=12</c>); its model and index are loaded as soon as it is picked and kept by <see cref="SearchService"/>.
/// A visitor without an account sees (and searches) only the runs published for sketch search.
/// </summary>
public partial class Search : IDisposable
{
    /// <summary>The choices of the top-K picker.</summary>
    public static readonly int[] KChoices = [5, 10, 20, 50, 100];

    private IReadOnlyList<SearchableRun> _runs = [];
    private long? _runId;
    private IndexKind _index = IndexKind.Exact;
    private int _k = 10;
    private bool _live = true;
    private bool _loaded;
    private string _runState = "";
    private SearchAnswerJson? _answer;
    private int _answerSeq;
    private double _roundTripMs;
    private string _source = "";
    private bool _searching;
    private string? _error;
    private IDisposable? _feed;

    [Inject] private SearchService Service { get; set; } = default!;
    [Inject] private LiveRunFeeds Feeds { get; set; } = default!;
    [Inject] private NavigationManager Navigation { get; set; } = default!;

    [CascadingParameter] public SbirLab.Store.Accounts.Caller Caller { get; set; } = SbirLab.Store.Accounts.Caller.Anonymous;

    /// <summary>The run to search, from the address.</summary>
    [SupplyParameterFromQuery(Name = "run")] public long? Run { get; set; }

    private string? SearchUrl => _runId is { } id ? $"api/runs/{id.ToString(CultureInfo.InvariantCulture)}/search" : null;
    private string? UploadUrl => SearchUrl is { } url ? url + "/image" : null;

    protected override void OnInitialized()
    {
        _runs = Service.Runs(Caller);
        _feed = Feeds.WatchAll(OnRunEvents);
    }

    /// <summary>A run finished its evaluation, or went away: the run picker follows without a reload.</summary>
    private Task OnRunEvents(IReadOnlyList<RunEvent> events)
    {
        if (!events.Any(e => e is RunEvaluationEvent or RunDeleted or RunStatusChanged)) return Task.CompletedTask;
        return InvokeAsync(async () =>
        {
            var runs = Service.Runs(Caller);
            if (runs.Select(r => r.Id).SequenceEqual(_runs.Select(r => r.Id))) return;
            _runs = runs;
            if (_runId is null || _runs.All(r => r.Id != _runId)) await OnParametersSetAsync(); // pick one now
            StateHasChanged();
        });
    }

    public void Dispose() => _feed?.Dispose();

    protected override async Task OnParametersSetAsync()
    {
        long? wanted = Run is { } id && _runs.Any(r => r.Id == id) ? id : _runs.FirstOrDefault()?.Id;
        if (wanted == _runId) return;
        _runId = wanted;
        _answer = null;
        _error = Run is { } asked && wanted != asked ? $"run {asked} cannot be searched (not completed, or no gallery index)" : null;
        if (_runId is { } run)
        {
            _index = _runs.First(r => r.Id == run).DefaultIndex;
            await LoadRun(run);
        }
    }

    /// <summary>Loads the run's searcher now, so the first drawing is answered without the load.</summary>
    private async Task LoadRun(long runId)
    {
        _loaded = false;
        _runState = "loading model and gallery index…";
        if (!Service.IsLoaded(runId)) StateHasChanged();
        try
        {
            int photos = await Service.OpenAsync(Caller, runId);
            if (_runId != runId) return;
            _loaded = true;
            _runState = $"ready · {photos:N0} photos";
        }
        catch (RunNotSearchableException e)
        {
            _runState = "cannot be searched";
            _error = e.Message;
        }
    }

    private string RunLabel(long? id) => _runs.FirstOrDefault(r => r.Id == id)?.Label ?? "";

    private void RunChanged(long? id)
    {
        if (id is null || id == _runId) return;
        Navigation.NavigateTo($"search?run={id.Value.ToString(CultureInfo.InvariantCulture)}");
    }

    private void IndexChanged(IndexKind index) => _index = index;
    private void KChanged(int k) => _k = k;
    private void LiveChanged(bool live) => _live = live;

    private void Answered(SketchAnswerEvent e)
    {
        _answer = e.Answer;
        _answerSeq = e.Seq;
        _roundTripMs = e.RoundTripMs;
        _source = e.FileName is { } file ? "upload " + file : e.Reason == "live" ? "while drawing" : "drawing";
        _searching = false;
        _error = null;
    }

    private void Searching(string reason) => _searching = true;

    private void Failed(string message)
    {
        _searching = false;
        _error = message;
    }

    private void Cleared()
    {
        _answer = null;
        _searching = false;
        _error = null;
    }

    private static string Ms(double ms) => ms.ToString(ms < 10 ? "0.0" : "0", CultureInfo.InvariantCulture) + " ms";
}
