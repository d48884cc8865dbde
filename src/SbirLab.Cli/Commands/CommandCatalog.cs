using System.CommandLine;

namespace SbirLab.Cli.Commands;

/// <summary>Every top-level command of <c>sbirlab</c>.</summary>
internal static class CommandCatalog
{
    public static IEnumerable<Command> All() =>
    [
        TrainCommand.Create(),
        EvalCommand.Create(),
        ConfigCommand.Create(),
        DataCommand.Create(),
        .. Store.StoreCommands.Create(),
    ];
}
