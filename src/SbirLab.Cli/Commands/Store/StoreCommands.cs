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

    /// <summary><c>queue</c>, <c>sweep</c>, <c>worker</c>, <c>runs</c>, <c>sweeps</c>, <c>users</c> and <c>teams</c>.</summary>
    public static IEnumerable<Command> Create() =>
        [QueueCommand.Create(), SweepCommands.Start(), WorkerCommand.Create(), RunsCommand.Create(), SweepCommands.Manage(), AccountCommands.Users(), AccountCommands.Teams()];

    /// <summary>The data folder for a parsed command line: <c>--data</c> (by name, whoever declared it), else the environment, else ./data.</summary>
    public static DataFolder Data(ParseResult result)
    {
        string? option;
        try { option = result.GetValue<string?>(DataOption.Name); }
        catch (ArgumentException) { option = null; } // no --data declared on this command line
        return DataFolder.Resolve(option);
    }

    /// <summary>Opens the store of the parsed command line's data folder (creating and migrating it when needed).</summary>
    internal static RunStore OpenStore(ParseResult result)
    {
        var store = RunStore.Open(Data(result));
        foreach (var warning in store.Identity.StartWarnings) Console.Error.WriteLine("warning: " + warning);
        return store;
    }
}
