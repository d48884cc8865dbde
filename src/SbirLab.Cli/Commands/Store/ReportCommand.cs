using System.CommandLine;
using SbirLab.Core.Runs;
using SbirLab.Engine.Reports;
using SbirLab.Runs.Reports;
using SbirLab.Store;
using SbirLab.Store.Accounts;
using Spectre.Console;

namespace SbirLab.Cli.Commands.Store;

/// <summary><c>sbirlab report &lt;run&gt;... --out report.html [--pdf report.pdf]</c>: the assignment report of some runs.</summary>
internal static class ReportCommand
{
    public static Command Create()
    {
        var runs = new Argument<string[]>("runs") { Description = $"1 to {ReportService.MaxRuns} runs of the store: ids (#12 or 12) or names.", Arity = ArgumentArity.OneOrMore };
        var output = new Option<string>("--out") { Description = "The HTML file to write (self-contained: pictures embedded).", Required = true };
        var pdf = new Option<string?>("--pdf") { Description = "Also print the report to this PDF file (needs Chromium at /usr/bin/chromium)." };
        var command = new Command("report", "Write the assignment report of some runs: the outline's sections to fill in, config differences, final metrics, curves, ranked examples, embedding maps, provenance.")
        {
            runs, output, pdf,
        };
        command.SetAction(result => Write(result, result.GetValue(runs)!, result.GetValue(output)!, result.GetValue(pdf)));
        return command;
    }

    private static int Write(ParseResult result, string[] references, string output, string? pdf)
    {
        using var store = StoreCommands.OpenStore(result);
        var resolver = new RunReferenceResolver(store);
        var ids = new List<long>();
        foreach (var reference in references)
        {
            if (resolver.Find(reference) is not { } run) return CliOutput.Error($"{reference}: no run of the store in {store.Data.Root} has that id or name");
            ids.Add(run.Id);
        }
        var service = new ReportService(store, new AssignmentReport());
        string html;
        try { html = service.Html(Caller.DataFolderOwner, ids); } // the command line holds the data folder: it reads every run
        catch (ArgumentException e) { return CliOutput.Error(e.Message); }
        string target = Path.GetFullPath(output);
        Directory.CreateDirectory(Path.GetDirectoryName(target)!);
        AtomicFile.WriteAllText(target, html); // a report opened while it is written is never half a page
        AnsiConsole.MarkupLine($"report of {ids.Count} run(s) → {Markup.Escape(target)} ({new FileInfo(target).Length / 1024:N0} KiB)");
        if (pdf is null) return 0;
        try
        {
            service.Printer.Print(html, pdf);
            AnsiConsole.MarkupLine($"PDF → {Markup.Escape(Path.GetFullPath(pdf))}");
            return 0;
        }
        catch (PdfUnavailableException e)
        {
            AnsiConsole.MarkupLine($"[red]no PDF:[/] {Markup.Escape(e.Message)}");
            return CliOutput.RunDidNotComplete;
        }
    }
}
