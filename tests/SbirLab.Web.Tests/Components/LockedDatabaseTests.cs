using Microsoft.Data.Sqlite;
using Microsoft.Extensions.DependencyInjection;
using MudBlazor;
using MudBlazor.Extensions;
using SbirLab.Store.Accounts;
using SbirLab.Web.Components.Shared;

namespace SbirLab.Web.Tests.Components;

/// <summary>
/// A UI action that the database refuses (locked by another process past SQLite's busy timeout) shows why and
/// keeps what the user typed; the circuit goes on. Slow by nature: the store waits its full 30 s busy timeout.
/// </summary>
public sealed class LockedDatabaseTests : ComponentTest
{
    [Fact]
    public void A_note_the_locked_database_refuses_stays_in_the_box_with_a_message_and_can_be_added_after()
    {
        long id = Lab.Service.Queue(Caller.DataFolderOwner, Lab.Triplet("name=\"locked\""));
        var cut = Context.Render<NotesPanel>(p => p.Add(n => n.Record, Lab.Store.Find(id)!).Add(n => n.CanNote, true).Add(n => n.CanTag, true));
        cut.Find(".note-input textarea").Change("lr looks high: try 0.02");

        using (var locker = Lock(Lab.Store.ConnectionString))
            cut.Find(".add-note").Click(); // waits out the busy timeout, then fails

        Assert.Equal("lr looks high: try 0.02", cut.FindComponent<MudTextField<string>>().Instance.GetState(x => x.Value));
        var snackbar = Assert.Single(Context.Services.GetRequiredService<ISnackbar>().ShownSnackbars);
        Assert.Equal(Severity.Error, snackbar.Severity);
        Assert.Contains("database is locked", snackbar.Message);
        Assert.Contains("still here", snackbar.Message);
        Assert.Empty(Lab.Store.Find(id)!.Notes);

        cut.Find(".add-note").Click(); // the lock is gone: the same text goes in
        Assert.Equal("lr looks high: try 0.02", Assert.Single(Lab.Store.Find(id)!.Notes).Text);
        Assert.Null(cut.FindComponent<MudTextField<string>>().Instance.GetState(x => x.Value));
    }

    /// <summary>Another process's write transaction: holds the database's write lock until disposed.</summary>
    private static SqliteConnection Lock(string connectionString)
    {
        var connection = new SqliteConnection(new SqliteConnectionStringBuilder(connectionString) { Pooling = false }.ToString());
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = "BEGIN EXCLUSIVE;";
        command.ExecuteNonQuery();
        return connection;
    }
}
