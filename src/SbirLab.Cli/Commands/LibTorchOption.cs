using System.CommandLine;
using SbirLab.Engine;
using SbirLab.Engine.Torch;

namespace SbirLab.Cli.Commands;

/// <summary>
/// The global <c>--libtorch DIR</c> option (else <c>SBIRLAB_LIBTORCH</c>): train on a libtorch the host already has,
/// such as PyTorch's <c>torch/lib</c> with CUDA. Torch starts from it before the command runs, so a folder that cannot
/// serve TorchSharp fails at once with what is missing, and the device line goes to standard error.
/// </summary>
internal static class LibTorchOption
{
    public static readonly Option<string?> Option = new("--libtorch")
    {
        Description = $"A libtorch folder to load instead of the bundled one, e.g. PyTorch's torch/lib (default: ${ExternalLibTorch.EnvironmentVariable}).",
        Recursive = true,
    };

    /// <summary>Starts torch from the named folder; null to go on with the command, else the exit code of the failure.</summary>
    public static int? Start(ParseResult parse)
    {
        if (parse.GetValue(Option) is { Length: > 0 } folder) TorchRuntime.UseExternalLibTorch(folder);
        if (TorchRuntime.ExternalFolder is null && !TorchRuntime.NeedsExternalLibTorch) return null;
        try
        {
            var origin = TorchRuntime.LibTorch;
            Console.Error.WriteLine($"libtorch: {origin.Describe()}");
            if (origin.Warning is { } warning) Console.Error.WriteLine($"warning: {warning}");
            Console.Error.WriteLine($"device: {TorchRuntime.Describe()}");
            return null;
        }
        catch (LibTorchLoadException e)
        {
            return CliOutput.Error(e.Message);
        }
    }
}
