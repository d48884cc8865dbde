using Microsoft.Extensions.DependencyInjection;
using SbirLab.Core.Configs;
using SbirLab.Store;
using SbirLab.Store.Accounts;
using SbirLab.Web.Services;
using SearchPage = SbirLab.Web.Components.Pages.Search;

namespace SbirLab.Web.Tests.Search;

/// <summary>The search service over the lab's data folder: which runs it offers, and one searcher per run kept in memory.</summary>
[Collection(SearchLabCollection.Name)]
public sealed class SearchServiceTests(SearchLab lab) : IDisposable
{
    private readonly RunStore _store = RunStore.Open(new DataFolder(lab.Folder));

    [Fact]
    public void OnlyCompletedRunsWithAGalleryIndexAreOffered()
    {
        using var openRuns = new OpenRuns(_store);
        var service = new SearchService(_store, openRuns);
        var run = Assert.Single(service.Runs(Caller.DataFolderOwner));
        Assert.Equal(lab.RunId, run.Id);
        Assert.Equal(DatasetKind.FashionMnistSketch, run.Dataset);
        Assert.Equal(1000, run.GallerySize); // 10,000 test photos less 900 per class held out as queries
        Assert.InRange(run.Map!.Value, 0, 1);
        Assert.False(service.HasIndex(lab.QueuedRunId));
    }

    [Fact]
    public async Task TheSearcherIsLoadedOnFirstUseOnceAndKept()
    {
        using var openRuns = new OpenRuns(_store);
        var service = new SearchService(_store, openRuns);
        Assert.False(service.IsLoaded(lab.RunId));

        var concurrent = await Task.WhenAll(Enumerable.Range(0, 4).Select(_ => service.SearcherAsync(Caller.DataFolderOwner, lab.RunId)));
        using var later = await service.SearcherAsync(Caller.DataFolderOwner, lab.RunId);

        Assert.All(concurrent, lease => Assert.Same(concurrent[0].Value.Searcher, lease.Value.Searcher));
        Assert.Same(concurrent[0].Value, later.Value);
        foreach (var lease in concurrent) lease.Dispose();
        Assert.True(service.IsLoaded(lab.RunId));
        Assert.Equal(new[] { lab.RunId }, openRuns.Held);
        await Assert.ThrowsAsync<RunNotSearchableException>(() => service.SearcherAsync(Caller.DataFolderOwner, lab.QueuedRunId));
        Assert.False(service.IsLoaded(lab.QueuedRunId));
    }

    [Fact]
    public async Task ThePageExplainsWhatToDoWhenNoRunCanBeSearched()
    {
        using var empty = new TestLab();
        await using var context = new BunitContext();
        empty.Register(context);
        context.Services.AddSingleton(new SearchService(empty.Store, new OpenRuns(empty.Store)));

        var page = context.Render<SearchPage>();

        Assert.Contains("No completed run has a gallery index yet", page.Find(".no-runs").TextContent);
        Assert.Empty(page.FindAll("canvas"));
    }

    public void Dispose() => _store.Dispose();
}
