using SbirLab.Cli.Commands;

var parse = CommandCatalog.Root().Parse(args);
return LibTorchOption.Start(parse) ?? await parse.InvokeAsync();
