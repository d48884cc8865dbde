using Microsoft.Data.Sqlite;

namespace SbirLab.Store.Tests;

/// <summary>A database deleted or replaced under the lab is noticed, and run ids never land on existing run folders.</summary>
public sealed class DatabaseIdentityTests : IDisposable
{
    private readonly TempStore _temp = new();

    public void Dispose() => _temp.Dispose();

    [Fact]
    public void After_the_database_is_deleted_new_run_ids_continue_after_the_run_folders_and_the_start_says_why()
    {
        long[] ids = [_temp.Store.Queue(TempStore.Config("a")), _temp.Store.Queue(TempStore.Config("b")), _temp.Store.Queue(TempStore.Config("c"))];
        foreach (var id in ids) _temp.Data.RunFolder(id).Create();
        Assert.Empty(_temp.Store.Identity.StartWarnings);
        _temp.Store.Dispose();
        SqliteConnection.ClearAllPools();
        foreach (var file in Directory.EnumerateFiles(_temp.Root, "sbirlab.db*").Where(f => !f.EndsWith(".id", StringComparison.Ordinal))) File.Delete(file);

        using var reopened = RunStore.Open(_temp.Data);
        long next = reopened.Queue(TempStore.Config("after"));

        Assert.Equal(ids.Max() + 1, next);
        Assert.Contains(reopened.Identity.StartWarnings, w => w.Contains("was missing", StringComparison.Ordinal) && w.Contains($"after {ids.Max()}", StringComparison.Ordinal));
    }

    [Fact]
    public void A_database_replaced_by_another_is_reported_at_start_and_while_running()
    {
        using var other = new TempStore();
        other.Store.Queue(TempStore.Config("elsewhere"));
        var running = _temp.Store.Identity;
        Assert.Null(running.Check());

        SqliteConnection.ClearAllPools();
        File.Copy(other.Data.DatabasePath, _temp.Data.DatabasePath, overwrite: true);
        foreach (var suffix in new[] { "-wal", "-shm" })
            if (File.Exists(_temp.Data.DatabasePath + suffix)) File.Delete(_temp.Data.DatabasePath + suffix);

        Assert.Contains("was replaced", running.Check());
        using var reopened = RunStore.Open(_temp.Data);
        Assert.Contains(reopened.Identity.StartWarnings, w => w.Contains("not the one this data folder last used", StringComparison.Ordinal));
    }

    [Fact]
    public void A_database_deleted_while_running_is_reported_and_not_recreated_by_the_check()
    {
        _temp.Store.Queue(TempStore.Config());
        SqliteConnection.ClearAllPools();
        File.Delete(_temp.Data.DatabasePath);

        Assert.Contains("was deleted", _temp.Store.Identity.Check());
        Assert.False(File.Exists(_temp.Data.DatabasePath));
    }
}
