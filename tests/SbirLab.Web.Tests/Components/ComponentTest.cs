namespace SbirLab.Web.Tests.Components;

/// <summary>
/// A bUnit context with the lab's real services over a temporary store. Disposed asynchronously: MudBlazor's
/// popover service only disposes that way.
/// </summary>
public abstract class ComponentTest : IAsyncLifetime
{
    protected ComponentTest()
    {
        Lab = new TestLab();
        Context = new BunitContext();
        Lab.Register(Context);
    }

    protected TestLab Lab { get; }
    protected BunitContext Context { get; }

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        await Context.DisposeAsync();
        Lab.Dispose();
    }
}
