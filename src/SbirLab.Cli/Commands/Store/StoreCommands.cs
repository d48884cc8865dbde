using System.CommandLine;
using SbirLab.Store;

namespace SbirLab.Cli.Commands.Store;

/// <summary>
/// The commands over the run store: <c>queue</c>, <c>worker</c> and <c>runs</c>. They find the data
/// folder through the global <c>--data</c> option (<see cref="DataOption"/>, added to the root command),
/// else <c>SBIRLAB_DATA</c>, else <c>./data</c>: the same rule as the web lab.
/// </summary>
public static class StoreCommands
{
    /// <summary>The global <c>--data &lt;dir&gt;</c> option; add it to the root command (it applies to every subcommand).</summary>
    public static readonly Option<string?> DataOption = new("--data")
    {
        Description = $"Data folder (database and run files). Default: ${DataFolder.EnvironmentVariable}, else ./data.",
        Recursive = true,
    };

    /// <summary>The global <c>--artifacts &lt;dir&gt;</c> option: where the runs' folders live, shared by the lab and every worker.</summary>
    public static readonly Option<string?> ArtifactsOption = new("--artifacts")
    {
        Description = $"Artifact root: the runs' folders (checkpoints, pictures, indexes), shared by the lab and the workers. Default: ${DataFolder.ArtifactsVariable}, else the data folder.",
        Recursive = true,
    };

    /// <summary>The global <c>--store &lt;connection&gt;</c> option: a PostgreSQL store instead of the data folder's SQLite file.</summary>
    public static readonly Option<string?> StoreOption = new("--store")
    {
        Description = $"PostgreSQL store: an Npgsql connection string or postgresql:// URL. Default: ${StoreConnection.EnvironmentVariable}, else the data folder's SQLite file.",
        Recursive = true,
    };

    /// <summary><c>queue</c>, <c>sweep</c>, <c>worker</c>, <c>runs</c>, <c>sweeps</c>, <c>report</c>, <c>users</c>, <c>teams</c> and <c>store</c>.</summary>
    public static IEnumerable<Command> Create() =>
        [QueueCommand.Create(), SweepCommands.Start(), WorkerCommand.Create(), RunsCommand.Create(), SweepCommands.Manage(), ReportCommand.Create(), AccountCommands.Users(), AccountCommands.Teams(), StoreAdminCommand.Create()];

    /// <summary>The data folder for a parsed command line: <c>--data</c> (by name, whoever declared it), else the environment, else ./data.</summary>
    public static DataFolder Data(ParseResult result) => DataFolder.Resolve(Value(result, DataOption), Value(result, ArtifactsOption));

    /// <summary>A global option's value by name, whoever declared it; null when this command line declares no such option.</summary>
    private static string? Value(ParseResult result, Option<string?> option)
    {
        try { return result.GetValue<string?>(option.Name); }
        catch (ArgumentException) { return null; }
    }

    /// <summary>The database for a parsed command line: <c>--store</c>, else <c>SBIRLAB_STORE</c>, else the data folder's SQLite file.</summary>
    /// <exception cref="ArgumentException">The value is no PostgreSQL connection string or URL (the message says which part is wrong).</exception>
    public static StoreConnection Connection(ParseResult result, DataFolder data)
    {
        string? option;
        try { option = result.GetValue<string?>(StoreOption.Name); }
        catch (ArgumentException) { option = null; } // no --store declared on this command line
        return StoreConnection.Resolve(option, data);
    }

    /// <summary>Opens the store of the parsed command line (creating and migrating it when needed).</summary>
    internal static RunStore OpenStore(ParseResult result)
    {
        var data = Data(result);
        var store = RunStore.Open(data, Connection(result, data));
        foreach (var warning in store.Identity.StartWarnings) Console.Error.WriteLine("warning: " + warning);
        return store;
    }
}
