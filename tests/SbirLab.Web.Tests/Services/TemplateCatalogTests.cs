using SbirLab.Core.Configs;
using SbirLab.Web.Services;

namespace SbirLab.Web.Tests.Services;

public sealed class TemplateCatalogTests : IDisposable
{
    private readonly TestLab _lab = new();

    [Fact]
    public void Every_experiment_file_is_a_template_with_its_name_and_description()
    {
        var folder = Path.Combine(RepoPaths.Root, "experiments");
        var files = Directory.EnumerateFiles(folder, "*.json", SearchOption.AllDirectories)
            .Where(f => ExperimentFiles.KindOf(File.ReadAllText(f)) != ExperimentKind.Sweep) // a sweep starts from the sweep command or the form
            .Select(f => Path.GetRelativePath(folder, f).Replace('\\', '/')[..^5]).Order(StringComparer.Ordinal).ToList();

        Assert.Equal(files, _lab.Templates.All.Select(t => t.Id));
        var triplet = _lab.Templates.Find("fashion-mnist/triplet")!;
        var fromFile = ConfigJson.Load(Path.Combine(folder, "fashion-mnist", "triplet.json"));
        Assert.Equal(fromFile.Name, triplet.Name);
        Assert.Equal(fromFile.Description, triplet.Description);
        Assert.Equal(ConfigJson.Serialize(fromFile), ConfigJson.Serialize(TemplateCatalog.Instantiate(triplet)));
    }

    [Fact]
    public void The_picker_groups_the_templates_by_the_seed_they_run_each_with_its_one_line_description()
    {
        var groups = _lab.Templates.BySeed;

        Assert.Equal(["000", "001", "002", "003", "004"], groups.Select(g => g.Seed));
        Assert.Equal(["seed-002/contrastive-pairs", "seed-002/sketchy-contrastive"], groups.Single(g => g.Seed == "002").Templates.Select(t => t.Id).Order(StringComparer.Ordinal));
        Assert.Contains(groups.Single(g => g.Seed == "003").Templates, t => t.Id == "seed-003/pk-semi-hard");
        Assert.Equal(_lab.Templates.All.Count, groups.Sum(g => g.Templates.Count));
        var koch = Assert.Single(groups.Single(g => g.Seed == "001").Templates);
        Assert.Equal("seed-001/koch-one-shot", koch.Id);
        Assert.StartsWith("Seed 001 · Koch", groups.Single(g => g.Seed == "001").Title);
        Assert.Contains(groups.Single(g => g.Seed == "004").Templates, t => t.Id == "fashion-mnist/smooth-ap");
        // Every template of the repository says in one line what it runs.
        Assert.All(_lab.Templates.All, t => Assert.False(string.IsNullOrWhiteSpace(t.Description), t.Id));
        Assert.All(_lab.Templates.All, t => Assert.DoesNotContain('\n', t.Description!));
    }

    [Fact]
    public void A_template_without_a_seed_tag_is_listed_last_under_other_templates()
    {
        var extra = Path.Combine(_lab.Folder, "templates-other");
        Directory.CreateDirectory(extra);
        File.WriteAllText(Path.Combine(extra, "quick.json"), "{ \"name\": \"quick\", \"tags\": [\"seed-1\", \"mine\"] }");
        var catalog = new TemplateCatalog(_lab.Settings with { TemplatesFolder = extra });

        var last = catalog.BySeed[^1];
        Assert.Null(last.Seed);
        Assert.Equal("Other templates", last.Title);
        Assert.Equal("quick", Assert.Single(last.Templates).Id);
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
        var cli = ConfigJson.Load(Path.Combine(RepoPaths.Root, "experiments", "fashion-mnist", "triplet.json"), ["training.epochs=2", "loss.margin=0.3"]);
        Assert.Equal(ConfigJson.Serialize(cli), ConfigJson.Serialize(overridden));
    }

    public void Dispose() => _lab.Dispose();
}
