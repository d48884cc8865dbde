using System.CommandLine;
using SbirLab.Cli.Commands;

var root = new RootCommand("SbirLab: train and evaluate siamese networks for sketch-based image retrieval.");
root.Options.Add(SbirLab.Cli.Commands.Store.StoreCommands.DataOption);
foreach (var command in CommandCatalog.All()) root.Subcommands.Add(command);
return await root.Parse(args).InvokeAsync();
