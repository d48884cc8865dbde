using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using SbirLab.Core.Runs;
using SbirLab.Store.Accounts;
using SbirLab.Store.Entities;

namespace SbirLab.Store.Tests;

/// <summary>How a PostgreSQL store is named: Npgsql's syntax or a URL, refused with the part that is wrong.</summary>
public sealed class StoreConnectionTests
{
    [Fact]
    public void A_postgresql_url_becomes_the_npgsql_connection_string_it_means()
    {
        var store = StoreConnection.Postgres("postgresql://lab%40course:p%3Ass@db.example:6543/sbir%20lab?sslmode=verify-full&application_name=worker+1");
        var built = new NpgsqlConnectionStringBuilder(store.ConnectionString);

        Assert.Equal(StoreProvider.Postgres, store.Provider);
        Assert.Equal(("db.example", 6543, "sbir lab", "lab@course", "p:ss"), (built.Host, built.Port, built.Database, built.Username, built.Password));
        Assert.Equal(SslMode.VerifyFull, built.SslMode);
        Assert.Equal("worker 1", built.ApplicationName);
        Assert.Equal("postgresql://lab@course@db.example:6543/sbir lab", store.Describe()); // no password in messages
    }

    [Fact]
    public void An_npgsql_connection_string_is_taken_as_it_is_and_the_default_is_the_data_folders_sqlite_file()
    {
        var data = new DataFolder(Path.Combine(Path.GetTempPath(), "sbirlab-connection-test"));
        string? saved = Environment.GetEnvironmentVariable(StoreConnection.EnvironmentVariable);
        try
        {
            Environment.SetEnvironmentVariable(StoreConnection.EnvironmentVariable, null);
            Assert.Equal(StoreConnection.Sqlite(data), StoreConnection.Resolve(null, data));
            Environment.SetEnvironmentVariable(StoreConnection.EnvironmentVariable, "Host=from-env;Database=lab");
            Assert.Equal("from-env", new NpgsqlConnectionStringBuilder(StoreConnection.Resolve(" ", data).ConnectionString).Host);
            var fromOption = StoreConnection.Resolve("Host=from-option;Port=5433;Database=lab;Username=u", data);
            Assert.Equal(("from-option", 5433), (new NpgsqlConnectionStringBuilder(fromOption.ConnectionString).Host, new NpgsqlConnectionStringBuilder(fromOption.ConnectionString).Port));
        }
        finally
        {
            Environment.SetEnvironmentVariable(StoreConnection.EnvironmentVariable, saved);
        }
    }

    [Theory]
    [InlineData("Host=db", "names no database")]
    [InlineData("postgresql:///lab", "names no host")]
    [InlineData("Hots=db;Database=lab", "not a PostgreSQL connection string")]
    public void A_connection_that_names_no_database_is_refused_with_the_part_missing(string value, string message)
    {
        var refused = Assert.Throws<ArgumentException>(() => StoreConnection.Postgres(value));
        Assert.Contains(message, refused.Message);
        Assert.StartsWith("store:", refused.Message);
    }
}

/// <summary>PostgreSQL's own paths: the copy of a SQLite lab, the database id, the id sequences (skipped without a server).</summary>
public sealed class PostgresStoreTests : IDisposable
{
    private readonly List<IDisposable> _stores = [];

    public void Dispose()
    {
        foreach (var store in _stores) store.Dispose();
    }

    private TempStore NewStore(StoreProvider provider)
    {
        var store = new TempStore(provider: provider);
        _stores.Add(store);
        return store;
    }

    [SkippableFact]
    public async Task Copying_a_sqlite_lab_keeps_every_row_and_id_and_new_ids_continue_after_the_copied_ones()
    {
        TestPostgres.Require();
        var lab = NewStore(StoreProvider.Sqlite);
        using (var services = LabIdentity.CommandLineServices(lab.Store))
        using (var scope = services.CreateScope())
        {
            var accounts = scope.ServiceProvider.GetRequiredService<AccountService>();
            accounts.AddTeam(Caller.DataFolderOwner, "alpha");
            await accounts.AddUserAsync(Caller.DataFolderOwner, "ada", LabRoles.Member, "alpha", "ada-password-1");
        }
        long first = lab.Store.Queue(TempStore.Config("first"), new RunOptions(Experiment: "sweep", Tags: ["margin"]));
        long deleted = lab.Store.Queue(TempStore.Config("deleted"));
        long child = lab.Store.Queue(TempStore.Config("child"), new RunOptions(ParentRunId: first));
        lab.Store.Delete(deleted); // the copy's ids continue past it, as SQLite's would
        lab.Store.ClaimNext(WorkerIdentity.Current);
        for (int step = 0; step < 2_500; step++) lab.Store.Writer.AddMetric(first, MetricKind.Step, step, 0, "loss", step == 7 ? double.NaN : step);
        lab.Store.Writer.AddLog(first, "epoch 1 done", DateTime.UtcNow);
        lab.Store.Writer.Flush();
        lab.Store.AddNote(first, "baseline");
        lab.Store.AddEvaluation(first, """{"summary":{"map":0.5}}""", epoch: 0, step: 2_500);
        lab.Store.RecordCheckpoint(first, new CheckpointInfo(Path.Combine(lab.Data.RunFolder(first).Checkpoints, "last.safetensors"), 0, 0, 2_500));
        lab.Store.Finish(first, RunStatus.Completed, "done");

        var (database, target) = TestPostgres.CreateDatabase();
        try
        {
            var report = StoreCopier.Copy(lab.Store, StoreConnection.Postgres(target));
            Assert.Equal(2_500, report.Tables.Single(t => t.Table == "MetricPoints").Rows);

            using var copy = RunStore.Open(lab.Data, StoreConnection.Postgres(target));
            Assert.Empty(copy.Identity.StartWarnings); // the data folder's run folders belong to the copy
            AssertSameRun(lab.Store, copy, first);
            AssertSameRun(lab.Store, copy, child);
            Assert.Equal(first, copy.Find(child)!.ParentRunId);
            Assert.Equal(lab.Store.Metrics(first).Select(p => (p.Id, p.Step, p.Value)), copy.Metrics(first).Select(p => (p.Id, p.Step, p.Value)));
            Assert.Null(copy.Metrics(first).Single(p => p.Step == 7).Value);
            Assert.Equal(lab.Store.Log(first).Select(l => (l.Id, l.Text)), copy.Log(first).Select(l => (l.Id, l.Text)));
            Assert.Equal(lab.Store.Evaluations(first).Select(e => (e.Id, e.SummaryJson)), copy.Evaluations(first).Select(e => (e.Id, e.SummaryJson)));
            Assert.Equal(lab.Store.Artifacts(first).Select(a => (a.Id, a.Path)), copy.Artifacts(first).Select(a => (a.Id, a.Path)));
            Assert.Equal(lab.Store.Identity.Id, copy.Identity.Id);

            using (var services = LabIdentity.CommandLineServices(copy))
            using (var scope = services.CreateScope())
            {
                var users = scope.ServiceProvider.GetRequiredService<UserManager<LabUser>>();
                var ada = await users.FindByNameAsync("ada");
                Assert.NotNull(ada);
                Assert.True(await users.CheckPasswordAsync(ada, "ada-password-1")); // the hash came across intact
                var accounts = scope.ServiceProvider.GetRequiredService<AccountService>();
                Assert.Equal("alpha", (await accounts.ListUsersAsync(Caller.DataFolderOwner)).Single(u => u.Name == "ada").Team);
                var beta = accounts.AddTeam(Caller.DataFolderOwner, "beta"); // the sequence continues after the copied teams
                Assert.True(beta.Id > accounts.Teams(Caller.DataFolderOwner).Where(t => t.Name != "beta").Max(t => t.Id));
            }
            long next = copy.Queue(TempStore.Config("after the copy"));
            Assert.Equal(child + 1, next);
            copy.Writer.AddMetric(next, MetricKind.Step, 0, 0, "loss", 1);
            copy.Writer.Flush();
            Assert.True(copy.Metrics(next).Single().Id > lab.Store.Metrics(first).Max(p => p.Id));

            var again = Assert.Throws<InvalidOperationException>(() => StoreCopier.Copy(lab.Store, StoreConnection.Postgres(target)));
            Assert.Contains("already holds", again.Message);
        }
        finally
        {
            TestPostgres.DropDatabase(database);
        }
    }

    [SkippableFact]
    public void A_postgresql_database_replaced_under_the_lab_is_reported_and_run_ids_skip_past_run_folders()
    {
        var lab = NewStore(StoreProvider.Postgres);
        Assert.Null(lab.Store.Identity.Check());
        long id = lab.Store.Queue(TempStore.Config());
        lab.Data.RunFolder(id + 40).Create(); // a folder of a run the database does not know

        using (var db = lab.Store.CreateContext())
            db.Database.ExecuteSqlRaw("UPDATE \"StoreIdentity\" SET \"Id\" = \"Id\" + 1");
        Assert.Contains("was replaced", lab.Store.Identity.Check());

        using var reopened = lab.OpenAnother();
        Assert.Contains(reopened.Identity.StartWarnings, w => w.Contains("not the one this data folder last used", StringComparison.Ordinal));
        Assert.Equal(id + 41, reopened.Queue(TempStore.Config("next")));
    }

    private static void AssertSameRun(RunStore source, RunStore copy, long id)
    {
        var a = source.Find(id)!;
        var b = copy.Find(id)!;
        Assert.Equal((a.Name, a.Status, a.ConfigJson, a.TeamId, a.Experiment?.Name, a.CheckpointStep, a.Message, a.Folder),
            (b.Name, b.Status, b.ConfigJson, b.TeamId, b.Experiment?.Name, b.CheckpointStep, b.Message, b.Folder));
        Assert.Equal(a.Tags.Select(t => t.Name).Order(), b.Tags.Select(t => t.Name).Order());
        Assert.Equal(a.Notes.Select(n => n.Text), b.Notes.Select(n => n.Text));
        Assert.Equal(a.CreatedAt, DateTime.SpecifyKind(b.CreatedAt, DateTimeKind.Unspecified), TimeSpan.FromMilliseconds(1));
    }
}
