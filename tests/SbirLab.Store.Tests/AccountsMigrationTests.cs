using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;
using SbirLab.Store.Entities;

namespace SbirLab.Store.Tests;

public sealed class AccountsMigrationTests
{
    [Fact]
    public void Runs_recorded_before_teams_existed_belong_to_the_default_team_and_are_not_published()
    {
        string root = Path.Combine(Path.GetTempPath(), "sbirlab-store-tests", Guid.NewGuid().ToString("N"));
        var data = new DataFolder(root).Create();
        try
        {
            using (var db = new StoreDbContext(SqliteSetup.ContextOptions(SqliteSetup.ConnectionString(data.DatabasePath))))
            {
                db.GetService<IMigrator>().Migrate("20261123164052_InitialCreate");
                db.Database.ExecuteSqlRaw("""
                    INSERT INTO Runs (Name, ConfigJson, Status, CreatedAt, QueuedAt, StopRequested, Attempts, Steps, TotalSteps, EpochsCompleted, Epochs, Seed, Folder)
                    VALUES ('before-teams', '{{}}', 'completed', '2026-11-01 10:00:00', '2026-11-01 10:00:00', 0, 1, 10, 10, 1, 1, 1, 'runs/1')
                    """);
            }
            using var store = RunStore.Open(data); // applies AccountsTeamsAndPublishing

            var run = store.Find(1)!;
            Assert.Equal("before-teams", run.Name);
            Assert.Equal(Team.DefaultId, run.TeamId);
            Assert.Equal(Team.DefaultName, run.Team!.Name);
            Assert.Null(run.PublishedAt);
        }
        finally
        {
            SqliteConnection.ClearAllPools();
            Directory.Delete(root, recursive: true);
        }
    }
}
