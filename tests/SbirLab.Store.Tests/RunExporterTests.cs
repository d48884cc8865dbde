using System.IO.Compression;
using SbirLab.Core.Configs;
using SbirLab.Core.Runs;
using SbirLab.Store.Accounts;
using SbirLab.Store.Entities;

namespace SbirLab.Store.Tests;

public sealed class RunExporterTests : IDisposable
{
    private readonly TempStore _temp = new();
    private RunStore Store => _temp.Store;

    public void Dispose() => _temp.Dispose();

    [Fact]
    public void A_run_exports_as_a_zip_with_config_metrics_evaluation_pictures_and_log()
    {
        long id = Store.Queue(TempStore.Config("zip"));
        for (int step = 0; step < 4; step++) Store.Writer.AddMetric(id, MetricKind.Step, step, 0, "loss", step / 2.0);
        Store.Writer.AddMetric(id, MetricKind.Epoch, 4, 0, "map", 0.5);
        Store.Writer.AddLog(id, "epoch 1/1", DateTime.UtcNow);
        Store.Writer.Flush();
        Store.AddEvaluation(id, """{"report":{"meanAveragePrecision":0.5}}""");
        var folder = _temp.Data.RunFolder(id).Create();
        File.WriteAllBytes(Path.Combine(folder.Pictures, "loss.png"), [1, 2, 3]);
        string zipPath = Path.Combine(_temp.Root, "out", "run.zip");

        new RunExporter(Store).ExportRun(Caller.DataFolderOwner, id, zipPath);

        using var zip = ZipFile.OpenRead(zipPath);
        string Text(string name) => new StreamReader(zip.GetEntry(name)!.Open()).ReadToEnd();
        Assert.Equal(["config.json", "eval.json", "log.txt", "metrics-epochs.csv", "metrics-steps.csv", "pictures/loss.png", "run.json"],
            zip.Entries.Select(e => e.FullName).Order(StringComparer.Ordinal));
        Assert.Equal(Store.Find(id)!.ConfigJson, Text("config.json"));
        Assert.Equal("step,epoch,name,value\n0,0,loss,0\n1,0,loss,0.5\n2,0,loss,1\n3,0,loss,1.5\n", Text("metrics-steps.csv"));
        Assert.Equal("epoch,step,name,value\n0,4,map,0.5\n", Text("metrics-epochs.csv"));
        Assert.EndsWith(" epoch 1/1\n", Text("log.txt"));
        Assert.Equal(3, zip.GetEntry("pictures/loss.png")!.Length);
        Assert.Contains("\"status\": \"queued\"", Text("run.json"));
    }

    [Fact]
    public void A_symbolic_link_in_a_runs_pictures_is_neither_exported_nor_counted_as_a_run_file()
    {
        long id = Store.Queue(TempStore.Config("links"));
        var folder = _temp.Data.RunFolder(id).Create();
        File.WriteAllBytes(Path.Combine(folder.Pictures, "loss.png"), [1, 2, 3]);
        string outside = Path.Combine(_temp.Root, "secret.png");
        File.WriteAllText(outside, "root:x:0:0:root:/root:/bin/bash");
        File.CreateSymbolicLink(Path.Combine(folder.Pictures, "leak.png"), outside);
        File.CreateSymbolicLink(Path.Combine(folder.Pictures, "inside.png"), Path.Combine(folder.Pictures, "loss.png"));
        string zipPath = Path.Combine(_temp.Root, "out", "run.zip");

        var entries = new RunExporter(Store).ExportRun(Caller.DataFolderOwner, id, zipPath);

        Assert.Contains("pictures/loss.png", entries);
        Assert.DoesNotContain("pictures/leak.png", entries);
        Assert.DoesNotContain("pictures/inside.png", entries); // a link is refused even when it stays inside the run
        Assert.False(_temp.Data.IsPlainRunFile(id, Path.Combine(folder.Pictures, "leak.png")));
        Assert.True(_temp.Data.IsPlainRunFile(id, Path.Combine(folder.Pictures, "loss.png")));
        Assert.False(_temp.Data.IsPlainRunFile(id + 1, Path.Combine(folder.Pictures, "loss.png"))); // another run's file
    }

    [Theory]
    [InlineData("=HYPERLINK(\"http://x\")", "\"'=HYPERLINK(\"\"http://x\"\")\"")]
    [InlineData("+1+2", "'+1+2")]
    [InlineData("-2+3", "'-2+3")]
    [InlineData("@SUM(A1)", "'@SUM(A1)")]
    [InlineData("-0.5", "-0.5")]
    [InlineData("1e-05", "1e-05")]
    [InlineData("plain", "plain")]
    public void Csv_cells_a_spreadsheet_would_run_as_formulas_are_escaped_and_numbers_kept(string cell, string expected) =>
        Assert.Equal(expected, RunExporter.Csv(cell));

    [Fact]
    public void A_run_named_like_a_formula_exports_as_text()
    {
        Store.Queue(TempStore.Config("=cmd|' /C calc'!A0"));
        var text = new StringWriter();
        new RunExporter(Store).ExportAllCsv(Caller.DataFolderOwner, text);
        Assert.Contains(",'=cmd|' /C calc'!A0,", text.ToString());
    }

    [Fact]
    public void All_runs_export_as_one_csv_row_each_with_parameters_and_final_figures()
    {
        long a = Store.Queue(TempStore.Config("plain, with comma") with { Loss = new LossConfig { Embedding = EmbeddingLossKind.Triplet, Margin = 0.2 } });
        long b = Store.Queue(TempStore.Config("b", seed: 2) with { Loss = new LossConfig { Embedding = EmbeddingLossKind.Triplet, Margin = 0.3 } });
        Store.Writer.AddMetric(a, MetricKind.Step, 0, 0, "loss", 2);
        Store.Writer.AddMetric(a, MetricKind.Step, 1, 0, "loss", 1.25); // the last step is the final figure
        Store.Writer.AddMetric(b, MetricKind.Epoch, 1, 0, "map", 0.75);
        Store.Writer.Flush();
        Store.AddEvaluation(b, """{"report":{"meanAveragePrecision":0.8}}""");
        var text = new StringWriter();

        int rows = new RunExporter(Store).ExportAllCsv(Caller.DataFolderOwner, text);

        var lines = text.ToString().TrimEnd('\n').Split('\n').Select(l => l.TrimEnd('\r')).ToArray();
        Assert.Equal(2, rows);
        Assert.Equal(3, lines.Length);
        var header = lines[0].Split(',');
        string Cell(int line, string column) => SplitCsv(lines[line])[Array.IndexOf(header, column)];
        Assert.StartsWith($"{a},\"plain, with comma\",", lines[1]); // a comma in a field is quoted
        Assert.Equal("plain, with comma", Cell(1, "name"));
        Assert.Equal("0.2", Cell(1, "param.loss.margin"));
        Assert.Equal("0.3", Cell(2, "param.loss.margin"));
        Assert.Equal("2", Cell(2, "seed"));
        Assert.Equal("1.25", Cell(1, "final.loss"));
        Assert.Equal("", Cell(2, "final.loss"));
        Assert.Equal("0.75", Cell(2, "epoch.map"));
        Assert.Equal("0.8", Cell(2, "eval.meanAveragePrecision"));
        Assert.Equal("1;5;10;50", Cell(1, "param.evaluation.precisionAtK"));
        Assert.Equal("queued", Cell(1, "status"));
    }

    private static List<string> SplitCsv(string line)
    {
        var cells = new List<string>();
        var cell = new System.Text.StringBuilder();
        bool quoted = false;
        for (int i = 0; i < line.Length; i++)
        {
            char c = line[i];
            if (quoted && c == '"' && i + 1 < line.Length && line[i + 1] == '"') { cell.Append('"'); i++; }
            else if (c == '"') quoted = !quoted;
            else if (c == ',' && !quoted) { cells.Add(cell.ToString()); cell.Clear(); }
            else cell.Append(c);
        }
        cells.Add(cell.ToString());
        return cells;
    }
}
