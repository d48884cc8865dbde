using System.CommandLine;

namespace SbirLab.Cli.Commands;

/// <summary>Every top-level command of <c>sbirlab</c>.</summary>
internal static class CommandCatalog
{
    /// <summary>The <c>sbirlab</c> command line: the global <c>--data</c>, <c>--store</c> and <c>--libtorch</c> options and every command (the program and its tests use this).</summary>
    public static RootCommand Root()
    {
        var root = new RootCommand("SbirLab: train and evaluate siamese networks for sketch-based image retrieval.");
        root.Options.Add(Store.StoreCommands.DataOption);
        root.Options.Add(Store.StoreCommands.StoreOption);
        root.Options.Add(Store.StoreCommands.ArtifactsOption);
        root.Options.Add(LibTorchOption.Option);
        foreach (var command in All()) root.Subcommands.Add(command);
        return root;
    }

    public static IEnumerable<Command> All() =>
    [
        TrainCommand.Create(),
        EvalCommand.Create(),
        ConfigCommand.Create(),
        DataCommand.Create(),
        ExportCommand.Create(),
        .. Store.StoreCommands.Create(),
    ];
}
