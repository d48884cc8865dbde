using System.Diagnostics;
using System.Text.Json;

namespace SbirLab.Cli.Tests;

/// <summary>
/// <c>sbirlab</c> in a process of its own with SBIRLAB_LIBTORCH / --libtorch: the libtorch of the NuGet cache loaded
/// through the external path trains a run whose provenance names that folder, and folders that cannot serve
/// TorchSharp fail before anything runs, naming what is missing.
/// </summary>
public class ExternalLibTorchCliTests
{
    private static string NuGetLibTorch => Path.Combine(
        Environment.GetEnvironmentVariable("NUGET_PACKAGES") ?? Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".nuget", "packages"),
        "libtorch-cpu-linux-x64", "2.10.0", "runtimes", "linux-x64", "native");

    private static async Task<(int ExitCode, string Output)> Sbirlab(IReadOnlyDictionary<string, string> environment, params string[] args)
    {
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, WorkingDirectory = RepoPaths.Root };
        start.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "sbirlab.dll"));
        foreach (var arg in args) start.ArgumentList.Add(arg);
        foreach (var (name, value) in environment) start.Environment[name] = value;
        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(4));
        await process.WaitForExitAsync(timeout.Token);
        return (process.ExitCode, Squash(await stdout + await stderr));
    }

    /// <summary>Without white space: the console wraps at 80 columns when redirected, at spaces or inside words.</summary>
    private static string Squash(string text) => System.Text.RegularExpressions.Regex.Replace(text, @"\s+", "");

    private static void CompileStub(string folder, string library, string? soname = null)
    {
        string source = Path.Combine(folder, "stub.c");
        File.WriteAllText(source, "int sbirlab_stub_libtorch = 1;\n");
        using var gcc = Process.Start(new ProcessStartInfo("gcc", ["-shared", "-fPIC", $"-Wl,-soname,{soname ?? library}", "-o", Path.Combine(folder, library), source]) { RedirectStandardError = true })!;
        string errors = gcc.StandardError.ReadToEnd();
        gcc.WaitForExit();
        Assert.True(gcc.ExitCode == 0, errors);
    }

    [Fact]
    public async Task TheNuGetCachesLibtorchLoadedAsExternalTrainsAndProvenanceNamesIt()
    {
        Assert.True(Directory.Exists(NuGetLibTorch), NuGetLibTorch);
        string run = CliRunner.Temp("external-libtorch");
        var (code, output) = await Sbirlab(new Dictionary<string, string> { ["SBIRLAB_LIBTORCH"] = NuGetLibTorch },
            "train", Path.Combine(RepoPaths.Root, "experiments", "fashion-mnist", "classification.json"), "--out", run,
            "--set", "training.epochs=1", "--set", "training.maxStepsPerEpoch=5", "--set", "data.trainLimit=500",
            "--set", "evaluation.perClass=10", "--set", "evaluation.queries=20", "--set", "evaluation.precisionAtK=[1,5]");

        Assert.True(code == 0, output);
        Assert.Contains(Squash($"libtorch: external {NuGetLibTorch} (libtorch 2.10.0), loaded from {NuGetLibTorch}"), output);
        Assert.Contains(Squash("device: cpu ("), output);
        Assert.DoesNotContain(Squash("warning:"), output);
        var stored = FolderStore.Read(run);
        using var provenance = JsonDocument.Parse(stored.Run.ProvenanceJson!);
        var root = provenance.RootElement;
        Assert.Equal(NuGetLibTorch, root.GetProperty("libTorchFolder").GetString());
        Assert.Equal("2.10.0", root.GetProperty("libTorchVersion").GetString());
        Assert.EndsWith($"loaded from {NuGetLibTorch}", root.GetProperty("libTorch").GetString());
        Assert.Equal(Environment.ProcessorCount, root.GetProperty("cpuCores").GetInt32());
        Assert.True(root.GetProperty("deviceMemoryBytes").GetInt64() > 0);
        using var eval = JsonDocument.Parse(stored.Report);
        Assert.InRange(eval.RootElement.GetProperty("report").GetProperty("meanAveragePrecision").GetDouble(), 0.0, 1.0); // it trained and evaluated
        Assert.Equal(20, eval.RootElement.GetProperty("report").GetProperty("queryCount").GetInt32());
    }

    [Fact]
    public async Task ALibtorchWithoutTorchSharpsSymbolsFailsNamingThem()
    {
        string folder = CliRunner.Temp("stub-libtorch");
        foreach (var library in new[] { "libc10.so", "libtorch_cpu.so", "libtorch.so" }) CompileStub(folder, library);

        var (code, output) = await Sbirlab(new Dictionary<string, string>(), "--libtorch", folder,
            "config", "validate", Path.Combine(RepoPaths.Root, "experiments", "fashion-mnist", "classification.json"));

        Assert.Equal(2, code);
        Assert.Contains(Squash($"libLibTorchSharp.so does not link against the libtorch in {folder}"), output);
        Assert.Contains(Squash("the libtorch version in " + folder + " is unknown"), output);
        Assert.Matches(@"libLibTorchSharp\.so:undefinedsymbol:_Z\w+", output); // dlopen's first
        Assert.Matches(@"(\d+)ofthe\1libtorchsymbolsitneedsarenotdefinedthere,e\.g\._Z", output); // and how many
        Assert.DoesNotContain(Squash("valid: fm-classification"), output); // the command never ran
    }

    [Fact]
    public async Task ALibtorchUnderOtherSonamesIsRefusedBeforeItLoads()
    {
        string torch = Path.Combine(CliRunner.Temp("soname-libtorch"), "torch");
        string folder = Directory.CreateDirectory(Path.Combine(torch, "lib")).FullName;
        foreach (var library in new[] { "libc10.so", "libtorch_cpu.so", "libtorch.so" }) CompileStub(folder, library, library + ".1.13"); // as Debian names them
        File.WriteAllText(Path.Combine(torch, "version.py"), "__version__ = '1.13.0a0'\n");

        var (code, output) = await Sbirlab(new Dictionary<string, string> { ["SBIRLAB_LIBTORCH"] = folder },
            "config", "validate", Path.Combine(RepoPaths.Root, "experiments", "fashion-mnist", "classification.json"));

        Assert.Equal(2, code);
        Assert.Contains(Squash($"SBIRLAB_LIBTORCH={folder}: libc10.so there is named libc10.so.1.13 inside (its soname), but TorchSharp's libLibTorchSharp.so asks for libc10.so"), output);
        Assert.Contains(Squash("libtorch 1.13.0a0 in " + folder + " is not the 2.10.0 that TorchSharp 0.107.0 was built for"), output);
    }

    [Fact]
    public async Task AFolderMissingACompanionOrHoldingABrokenOneSaysWhich()
    {
        string partial = CliRunner.Temp("partial-libtorch");
        File.WriteAllText(Path.Combine(partial, "libtorch.so"), "");
        File.WriteAllText(Path.Combine(partial, "libtorch_cpu.so"), "");
        string template = Path.Combine(RepoPaths.Root, "experiments", "fashion-mnist", "classification.json");
        var missing = await Sbirlab(new Dictionary<string, string> { ["SBIRLAB_LIBTORCH"] = partial }, "config", "validate", template);
        Assert.Equal(2, missing.ExitCode);
        Assert.Contains(Squash($"SBIRLAB_LIBTORCH={partial} has no libc10.so: a libtorch folder holds libc10.so, libtorch_cpu.so, libtorch.so"), missing.Output);

        File.WriteAllText(Path.Combine(partial, "libc10.so"), "not a library");
        var broken = await Sbirlab(new Dictionary<string, string> { ["SBIRLAB_LIBTORCH"] = partial }, "config", "validate", template);
        Assert.Equal(2, broken.ExitCode);
        Assert.Contains(Squash($"SBIRLAB_LIBTORCH={partial}: {Path.Combine(partial, "libc10.so")}:"), broken.Output);
    }
}
