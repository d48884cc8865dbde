using Microsoft.Data.Sqlite;
using SbirLab.Core.Configs;
using SbirLab.Store;

namespace SbirLab.Store.Tests;

/// <summary>A run store on a real SQLite file in a fresh temporary data folder, deleted afterwards.</summary>
internal sealed class TempStore : IDisposable
{
    public TempStore()
    {
        Root = Path.Combine(Path.GetTempPath(), "sbirlab-store-tests", Guid.NewGuid().ToString("N"));
        Data = new DataFolder(Root);
        Store = RunStore.Open(Data);
    }

    public string Root { get; }
    public DataFolder Data { get; }
    public RunStore Store { get; }

    /// <summary>A small valid config (the run is trained by a test double, never by the engine).</summary>
    public static RunConfig Config(string name = "run", int seed = 1) => new() { Name = name, Seed = seed };

    /// <summary>Opens a second store on the same file, as another process would.</summary>
    public RunStore OpenAnother() => RunStore.Open(Data);

    public void Dispose()
    {
        Store.Dispose();
        SqliteConnection.ClearAllPools();
        try { Directory.Delete(Root, recursive: true); }
        catch (IOException) { /* a straggling handle; the temp folder is cleaned by the OS */ }
    }
}
