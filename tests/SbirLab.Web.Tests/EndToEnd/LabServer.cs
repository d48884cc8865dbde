using System.Diagnostics;
using System.Text.RegularExpressions;

namespace SbirLab.Web.Tests.EndToEnd;

/// <summary>
/// The web lab as a person starts it: its own process (the web project's build output), on 127.0.0.1 with
/// port 0, a temporary data folder and the in-process training worker. The address is read from what the
/// lab prints at start.
/// </summary>
public sealed partial class LabServer : IDisposable
{
    private readonly Process _process;
    private readonly List<string> _output = [];

    private LabServer(Process process, string dataFolder)
    {
        _process = process;
        DataFolder = dataFolder;
    }

    public string DataFolder { get; }
    public string BaseUrl { get; private set; } = "";
    public int ProcessId => _process.Id;

    /// <summary>Everything the lab printed so far (for failure messages).</summary>
    public string Output { get { lock (_output) return string.Join('\n', _output); } }

    public static async Task<LabServer> StartAsync(string dataFolder, params string[] extraArgs)
    {
        var info = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = dataFolder,
        };
        foreach (var arg in (string[])[WebDll(), "--urls", "http://127.0.0.1:0", "--data", dataFolder, .. extraArgs]) info.ArgumentList.Add(arg);
        info.Environment["ASPNETCORE_ENVIRONMENT"] = "Production";
        info.Environment["Logging__LogLevel__Default"] = "Warning";
        Directory.CreateDirectory(dataFolder);
        var server = new LabServer(Process.Start(info)!, dataFolder);
        var address = new TaskCompletionSource<string>(TaskCreationOptions.RunContinuationsAsynchronously);
        server._process.OutputDataReceived += (_, e) => server.Collect(e.Data, address);
        server._process.ErrorDataReceived += (_, e) => server.Collect(e.Data, null);
        server._process.BeginOutputReadLine();
        server._process.BeginErrorReadLine();
        var started = await Task.WhenAny(address.Task, Task.Delay(TimeSpan.FromSeconds(90)));
        if (started != address.Task)
        {
            server.Dispose();
            throw new TimeoutException("the lab printed no address within 90 s:\n" + server.Output);
        }
        server.BaseUrl = (await address.Task).TrimEnd('/') + "/";
        return server;
    }

    private void Collect(string? line, TaskCompletionSource<string>? address)
    {
        if (line is null) return;
        lock (_output) _output.Add(line);
        if (address is not null && ListeningLine().Match(line) is { Success: true } match) address.TrySetResult(match.Groups[1].Value);
    }

    [GeneratedRegex(@"SbirLab web lab listening on (http://\S+)")]
    private static partial Regex ListeningLine();

    /// <summary>Resident memory of the lab process (VmRSS), in bytes.</summary>
    public long ResidentBytes()
    {
        _process.Refresh();
        return _process.WorkingSet64;
    }

    /// <summary>The web project's build output beside this test's (same configuration).</summary>
    public static string WebDll()
    {
        string configuration = new DirectoryInfo(AppContext.BaseDirectory).Parent!.Name; // bin/<Configuration>/net10.0
        string path = Path.Combine(RepoPaths.Root, "src", "SbirLab.Web", "bin", configuration, "net10.0", "SbirLab.Web.dll");
        return File.Exists(path) ? path : throw new FileNotFoundException("build src/SbirLab.Web first", path);
    }

    public void Dispose()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            _process.WaitForExit(10_000);
        }
        _process.Dispose();
    }
}
