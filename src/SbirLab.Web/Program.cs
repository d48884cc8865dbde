using SbirLab.Engine;
using SbirLab.Engine.Torch;
using SbirLab.Web;

// The web lab: `dotnet run --project src/SbirLab.Web` serves it on http://127.0.0.1:5080 unless --urls or
// ASPNETCORE_URLS says otherwise; --data (or SBIRLAB_DATA) names the data folder, default ./data.
// SBIRLAB_LIBTORCH names a libtorch folder to train on (PyTorch's torch/lib): torch starts on it here, so a
// folder that cannot serve TorchSharp stops the lab at once with what is missing.
if (TorchRuntime.ExternalFolder is not null || TorchRuntime.NeedsExternalLibTorch)
{
    try
    {
        Console.WriteLine($"libtorch: {TorchRuntime.LibTorch.Describe()}");
        if (TorchRuntime.LibTorch.Warning is { } warning) Console.WriteLine($"warning: {warning}");
        Console.WriteLine($"device: {TorchRuntime.Describe()}");
    }
    catch (LibTorchLoadException e)
    {
        Console.Error.WriteLine($"error: {e.Message}");
        return 2;
    }
}
var app = LabApp.Build(args);
await app.StartAsync();
LabApp.PrintAddresses(app, Console.Out);
await app.WaitForShutdownAsync();
return 0;
