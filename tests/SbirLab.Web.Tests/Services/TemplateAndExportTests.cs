using System.IO.Compression;
using System.Text.Json;
using SbirLab.Engine.Configs;
using SbirLab.Web.Services;

namespace SbirLab.Web.Tests.Services;

public sealed class TemplateAndExportTests : IDisposable
{
    private readonly TestLab _lab = new();

    [Fact]
    public void Every_experiment_file_is_a_template_with_its_name_and_description()
    {
        var folder = Path.Combine(RepoRoot(), "experiments");
        var files = Directory.EnumerateFiles(folder, "*.json", SearchOption.AllDirectories)
            .Select(f => Path.GetRelativePath(folder, f).Replace('\\', '/')[..^5]).Order(StringComparer.Ordinal).ToList();

        Assert.Equal(files, _lab.Templates.All.Select(t => t.Id));
        var triplet = _lab.Templates.Find("fashion-mnist/triplet")!;
        var fromFile = ConfigJson.Load(Path.Combine(folder, "fashion-mnist", "triplet.json"));
        Assert.Equal(fromFile.Name, triplet.Name);
        Assert.Equal(fromFile.Description, triplet.Description);
        Assert.Equal(ConfigJson.Serialize(fromFile), ConfigJson.Serialize(TemplateCatalog.Instantiate(triplet)));
    }

    [Fact]
    public void A_templates_folder_adds_templates_and_overrides_applied_to_a_template_are_those_of_the_command_line()
    {
        var extra = Path.Combine(_lab.Folder, "templates");
        Directory.CreateDirectory(Path.Combine(extra, "mine"));
        File.WriteAllText(Path.Combine(extra, "mine", "quick.json"), "{ // a comment\n \"name\": \"quick\", \"training\": { \"epochs\": 1 } }");
        var catalog = new TemplateCatalog(_lab.Settings with { TemplatesFolder = extra });

        Assert.Equal(1, TemplateCatalog.Instantiate(catalog.Find("mine/quick")!).Training.Epochs);
        var overridden = TemplateCatalog.Instantiate(catalog.Find("fashion-mnist/triplet")!, ["training.epochs=2", "loss.margin=0.3"]);
        var cli = ConfigJson.Load(Path.Combine(RepoRoot(), "experiments", "fashion-mnist", "triplet.json"), ["training.epochs=2", "loss.margin=0.3"]);
        Assert.Equal(ConfigJson.Serialize(cli), ConfigJson.Serialize(overridden));
    }

    [Fact]
    public void A_run_exports_as_a_zip_with_its_exact_config_every_metric_point_and_its_evaluation()
    {
        var evaluation = TestLab.Evaluation();
        long id = _lab.CompletedRun(_lab.Triplet("name=\"zip-me\""), [0.5, 0.6], evaluation);
        var folder = _lab.Store.Data.RunFolder(id).Create();
        File.WriteAllText(Path.Combine(folder.Pictures, "loss.png"), "png");
        File.WriteAllText(Path.Combine(folder.Checkpoints, "last.safetensors"), "weights");
        var exporter = new RunExporter(_lab.Store, _lab.Reader);

        using var buffer = new MemoryStream();
        exporter.WriteZip(id, buffer);
        using var zip = new ZipArchive(new MemoryStream(buffer.ToArray()));

        Assert.Equal(_lab.Store.Find(id)!.ConfigJson, Read(zip, "config.json"));
        var metricLines = Read(zip, "metrics.csv").Split('\n', StringSplitOptions.RemoveEmptyEntries);
        // 2 epochs × (10 step losses + map + epoch loss) = 24 points, plus the header.
        Assert.Equal(_lab.Store.Metrics(id).Count + 1, metricLines.Length);
        Assert.Equal(25, metricLines.Length);
        Assert.Equal(evaluation.Report.MeanAveragePrecision, RunReader.Parse(Read(zip, "eval.json"))!.Report.MeanAveragePrecision);
        Assert.Equal("zip-me", JsonDocument.Parse(Read(zip, "run.json")).RootElement.GetProperty("name").GetString());
        Assert.NotNull(zip.GetEntry("files/pictures/loss.png"));
        Assert.Null(zip.GetEntry("files/checkpoints/last.safetensors")); // checkpoints only on request

        using var withCheckpoints = new MemoryStream();
        exporter.WriteZip(id, withCheckpoints, includeCheckpoints: true);
        Assert.NotNull(new ZipArchive(new MemoryStream(withCheckpoints.ToArray())).GetEntry("files/checkpoints/last.safetensors"));
    }

    [Fact]
    public void All_runs_export_as_one_csv_line_each_quoted_where_needed()
    {
        long a = _lab.CompletedRun(_lab.Triplet("name=\"plain\""), [0.5, 0.6]);
        long b = _lab.CompletedRun(_lab.Triplet("name=\"with, comma \\\"quoted\\\"\""), [0.7, 0.65], TestLab.Evaluation());
        using var text = new StringWriter();
        new RunExporter(_lab.Store, _lab.Reader).WriteRunsCsv(text);
        var lines = text.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => l.TrimEnd('\r')).ToList();

        Assert.Equal(string.Join(',', RunExporter.CsvColumns), lines[0]);
        Assert.Equal(3, lines.Count);
        var second = ParseCsvLine(lines[2]);
        Assert.Equal(RunExporter.CsvColumns.Length, second.Count);
        Assert.Equal(b.ToString(), second[0]);
        Assert.Equal("with, comma \"quoted\"", second[1]);
        Assert.Equal("0.7", second[Array.IndexOf(RunExporter.CsvColumns, "best_map")]);
        Assert.Equal("0.65", second[Array.IndexOf(RunExporter.CsvColumns, "last_map")]);
        Assert.Equal(a.ToString(), ParseCsvLine(lines[1])[0]);
    }

    /// <summary>RFC 4180 reading, to check the writer's quoting from the outside.</summary>
    private static List<string> ParseCsvLine(string line)
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

    private static string Read(ZipArchive zip, string name)
    {
        using var reader = new StreamReader(zip.GetEntry(name)!.Open());
        return reader.ReadToEnd();
    }

    public static string RepoRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "SbirLab.sln"))) return dir.FullName;
        throw new DirectoryNotFoundException("SbirLab.sln not found above " + AppContext.BaseDirectory);
    }

    public void Dispose() => _lab.Dispose();
}
