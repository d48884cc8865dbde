using System.Diagnostics;

namespace SbirLab.Runs.Reports;

/// <summary>Thrown when a PDF cannot be made here; the message says why and what to do instead.</summary>
public sealed class PdfUnavailableException(string message) : Exception(message);

/// <summary>
/// Prints an HTML document to PDF with headless Chromium (<c>--print-to-pdf</c>), the one printer the lab relies on.
/// The page is written to a temporary folder and opened from there with a throw-away profile; the report is
/// self-contained, so Chromium fetches nothing.
/// </summary>
public sealed class PdfPrinter(string chromiumPath = PdfPrinter.DefaultChromium, TimeSpan? timeout = null)
{
    public const string DefaultChromium = "/usr/bin/chromium";

    public string ChromiumPath { get; } = chromiumPath;

    /// <summary>How long one print may take.</summary>
    public TimeSpan Limit { get; } = timeout ?? TimeSpan.FromSeconds(120);

    public bool IsAvailable => File.Exists(ChromiumPath);

    /// <summary>What the report offers when there is no printer.</summary>
    public string UnavailableMessage =>
        $"PDF needs Chromium at {ChromiumPath} (apt-get install -y chromium); the HTML report prints to PDF from any browser too.";

    /// <exception cref="PdfUnavailableException">No Chromium, or it failed or took too long.</exception>
    public void Print(string html, string pdfPath)
    {
        if (!IsAvailable) throw new PdfUnavailableException(UnavailableMessage);
        string work = Path.Combine(Path.GetTempPath(), "sbirlab-pdf-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(work);
        try
        {
            string page = Path.Combine(work, "report.html");
            File.WriteAllText(page, html);
            string target = Path.GetFullPath(pdfPath);
            Directory.CreateDirectory(Path.GetDirectoryName(target)!);
            string temporary = target + ".part";
            Run(work, page, temporary);
            if (!File.Exists(temporary) || new FileInfo(temporary).Length == 0) throw new PdfUnavailableException("Chromium wrote no PDF");
            File.Move(temporary, target, overwrite: true);
        }
        finally
        {
            try { Directory.Delete(work, recursive: true); }
            catch (IOException) { } // a profile file still held open: the temporary folder is cleared by the system
        }
    }

    private void Run(string work, string page, string pdf)
    {
        var info = new ProcessStartInfo(ChromiumPath)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in new[]
        {
            "--headless", "--no-sandbox", "--disable-gpu", "--disable-extensions", "--no-first-run", "--no-default-browser-check",
            "--disable-background-networking", "--no-pdf-header-footer", "--user-data-dir=" + Path.Combine(work, "profile"),
            "--print-to-pdf=" + pdf, new Uri(page).AbsoluteUri,
        })
            info.ArgumentList.Add(argument);
        using var process = Process.Start(info) ?? throw new PdfUnavailableException($"could not start {ChromiumPath}");
        var output = process.StandardOutput.ReadToEndAsync();
        var errors = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(Limit))
        {
            process.Kill(entireProcessTree: true);
            throw new PdfUnavailableException($"Chromium took longer than {Limit.TotalSeconds:0} s to print the report");
        }
        Task.WaitAll(output, errors);
        if (process.ExitCode != 0) throw new PdfUnavailableException($"Chromium failed to print the report (exit code {process.ExitCode})");
    }
}
