using System.CommandLine;
using Microsoft.EntityFrameworkCore;
using SbirLab.Store;
using Spectre.Console;

namespace SbirLab.Cli.Commands.Store;

/// <summary>
/// <c>sbirlab store migrate</c> (applies the store's pending migrations: the data folder's SQLite file, or the
/// PostgreSQL database <c>--store</c> / <c>SBIRLAB_STORE</c> names) and <c>sbirlab store copy --to &lt;connection&gt;</c>
/// (moves the lab's SQLite database into an empty PostgreSQL database, ids and all; see <see cref="StoreCopier"/>).
/// </summary>
internal static class StoreAdminCommand
{
    public static Command Create()
    {
        var command = new Command("store", "The lab's database: apply migrations, copy a SQLite lab to PostgreSQL.");
        command.Subcommands.Add(Migrate());
        command.Subcommands.Add(Copy());
        return command;
    }

    private static Command Migrate()
    {
        var command = new Command("migrate", "Create the store or bring it up to date (also done whenever a command opens it).");
        command.SetAction((result, _) => Guarded(() =>
        {
            var data = StoreCommands.Data(result);
            var connection = StoreCommands.Connection(result, data);
            var pending = PendingMigrations(data, connection);
            using var store = StoreCommands.OpenStore(result);
            AnsiConsole.MarkupLine($"store {Markup.Escape(connection.Describe())} ({connection.Provider.ToString().ToLowerInvariant()}): "
                + (pending.Count == 0 ? "up to date" : $"applied {Markup.Escape(string.Join(", ", pending))}"));
            return 0;
        }));
        return command;
    }

    private static Command Copy()
    {
        var to = new Option<string>("--to") { Description = "The empty PostgreSQL database to copy into (connection string or postgresql:// URL).", Required = true };
        var command = new Command("copy", "Copy this lab's store (runs, metrics, logs, evaluations, tags, notes, accounts, teams) into an empty PostgreSQL database, ids kept.") { to };
        command.SetAction((result, _) => Guarded(() =>
        {
            var target = StoreConnection.Postgres(result.GetValue(to)!);
            using var source = StoreCommands.OpenStore(result);
            AnsiConsole.MarkupLine($"copying {Markup.Escape(source.Connection.Describe())} to {Markup.Escape(target.Describe())}");
            var report = StoreCopier.Copy(source, target, Console.Out);
            AnsiConsole.MarkupLine($"copied {report.Tables.Sum(t => t.Rows)} rows in {report.Tables.Count} tables; every table's count matches the source. "
                + $"Use it with --store (or ${StoreConnection.EnvironmentVariable}) set to the same connection and the same --data folder, which keeps the run files.");
            return 0;
        }));
        return command;
    }

    private static List<string> PendingMigrations(DataFolder data, StoreConnection connection)
    {
        if (connection.Provider == StoreProvider.Sqlite && !File.Exists(data.DatabasePath)) return ["(new database)"];
        using var db = new StoreDbContext(connection.Provider == StoreProvider.Sqlite
            ? SqliteSetup.ContextOptions(connection.ConnectionString)
            : PostgresSetup.ContextOptions(connection.ConnectionString));
        return db.Database.GetPendingMigrations().ToList();
    }

    /// <summary>Bad input and a refused copy end with one line and exit code 2, not a stack trace.</summary>
    private static Task<int> Guarded(Func<int> action)
    {
        try { return Task.FromResult(action()); }
        catch (Exception e) when (e is ArgumentException or InvalidOperationException or System.Data.Common.DbException)
        {
            return Task.FromResult(CliOutput.Error(e.Message));
        }
    }
}
