using SbirLab.Core.Evaluations;
using SbirLab.Runs;
using SbirLab.Store;
using SbirLab.Store.Accounts;
using SbirLab.Web.Services;

namespace SbirLab.Web.Tests.Search;

/// <summary>
/// The lab's one image endpoint decides through <see cref="OpenRuns"/>: a run's evaluation images go to its readers;
/// a visitor gets the gallery photos (search results) of a published run and nothing else, and nothing is opened for
/// a caller who is refused.
/// </summary>
[Collection(SearchLabCollection.Name)]
public sealed class OpenRunsAccessTests(SearchLab lab) : IDisposable
{
    private readonly RunStore _store = RunStore.Open(new DataFolder(lab.Folder));

    [Fact]
    public async Task A_visitor_gets_the_gallery_photos_of_a_published_run_only()
    {
        using var openRuns = new OpenRuns(_store);
        Assert.Null(await openRuns.ImagePngAsync(Caller.Anonymous, lab.RunId, ImageSetKind.Gallery, 0));
        Assert.Empty(openRuns.Held);
        await Assert.ThrowsAsync<RunNotOpenException>(() => openRuns.OpenAsync(Caller.Anonymous, lab.RunId));

        var photo = await openRuns.ImagePngAsync(Caller.DataFolderOwner, lab.RunId, ImageSetKind.Gallery, 0);
        Assert.NotNull(photo);
        Assert.NotNull(await openRuns.ImagePngAsync(Caller.DataFolderOwner, lab.RunId, ImageSetKind.Query, 0));

        using var service = new RunService(_store);
        service.Publish(Caller.DataFolderOwner, lab.RunId);
        try
        {
            Assert.Equal(photo, await openRuns.ImagePngAsync(Caller.Anonymous, lab.RunId, ImageSetKind.Gallery, 0));
            Assert.Null(await openRuns.ImagePngAsync(Caller.Anonymous, lab.RunId, ImageSetKind.Query, 0));
        }
        finally
        {
            service.Publish(Caller.DataFolderOwner, lab.RunId, published: false);
        }
    }

    public void Dispose() => _store.Dispose();
}
