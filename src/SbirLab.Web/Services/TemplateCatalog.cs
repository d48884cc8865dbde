using System.Text.Json;
using System.Text.Json.Nodes;
using SbirLab.Core.Configs;

namespace SbirLab.Web.Services;

/// <summary>An experiment template: a config file of <c>experiments/</c> (JSON with comments), or a run chain.</summary>
/// <param name="Id">Path below the templates folder without ".json", e.g. "fashion-mnist/triplet".</param>
/// <param name="Description">The config's one-line description.</param>
/// <param name="Pipeline">For a run chain: its runs (read from their files beside it); null for one run's config.</param>
/// <param name="Seed">The course seed it runs ("001"), from its "seed-NNN" tag (a chain's: the one its runs share); null when none.</param>
public sealed record RunTemplate(string Id, string Name, string? Description, string Json, Pipeline? Pipeline = null, string? Seed = null);

/// <summary>The templates of one course seed (or those of none), as the new-run form's picker groups them.</summary>
public sealed record TemplateGroup(string? Seed, string Title, IReadOnlyList<RunTemplate> Templates);

/// <summary>
/// The templates a new run can start from: those built into the lab (the repository's <c>experiments/</c>,
/// embedded at build time) plus those of the <c>--templates</c> folder, which win on the same id.
/// </summary>
public sealed class TemplateCatalog
{
    private const string ResourcePrefix = "templates/";

    public TemplateCatalog(LabSettings settings)
    {
        var texts = new SortedDictionary<string, string>(StringComparer.Ordinal);
        foreach (var (id, json) in Embedded().Concat(FromFolder(settings.TemplatesFolder))) texts[id] = json;
        All = texts.Select(t => TryRead(t.Key, t.Value, texts)).OfType<RunTemplate>().ToList();
        BySeed = All.GroupBy(t => t.Seed).OrderBy(g => g.Key is null).ThenBy(g => g.Key, StringComparer.Ordinal)
            .Select(g => new TemplateGroup(g.Key, Title(g.Key), g.ToList())).ToList();
    }

    public IReadOnlyList<RunTemplate> All { get; }

    /// <summary>The templates grouped by the seed they run (seed order), templates of no seed last.</summary>
    public IReadOnlyList<TemplateGroup> BySeed { get; }

    /// <summary>What each course seed (../shared/seeds) asks, in a line: the picker's group titles.</summary>
    public static readonly IReadOnlyDictionary<string, string> SeedTitles = new Dictionary<string, string>
    {
        ["000"] = "Seed 000 · two-backbone SBIR: branches pretrained per domain, shared FC head, triplet / contrastive + CE",
        ["001"] = "Seed 001 · Koch's siamese pair classifier: one-shot on classes unseen in training",
        ["002"] = "Seed 002 · shared-weight CNN, contrastive loss on random sketch–photo pairs",
        ["003"] = "Seed 003 · PK batches, semi-hard triplets, top-5 hits through HNSW",
        ["004"] = "Seed 004 · FashionMNIST retrieval: classification, triplet and Smooth-AP",
    };

    private static string Title(string? seed) =>
        seed is null ? "Other templates" : SeedTitles.TryGetValue(seed, out var title) ? title : $"Seed {seed}";

    /// <summary>The seed of a "seed-NNN" tag.</summary>
    private static string? SeedOf(IReadOnlyList<string> tags) =>
        tags.FirstOrDefault(t => t.Length == 8 && t.StartsWith("seed-", StringComparison.Ordinal) && t[5..].All(char.IsAsciiDigit))?[5..];

    public RunTemplate? Find(string? id) => All.FirstOrDefault(t => t.Id == id);

    /// <summary>
    /// The template's config with <c>section.field=value</c> overrides applied, not validated (the form shows
    /// what is wrong). Throws <see cref="ConfigException"/> when an override names an unknown field.
    /// </summary>
    public static RunConfig Instantiate(RunTemplate template, IEnumerable<string>? overrides = null)
    {
        var root = JsonNode.Parse(template.Json, documentOptions: new JsonDocumentOptions
        {
            CommentHandling = JsonCommentHandling.Skip,
            AllowTrailingCommas = true,
        })!;
        foreach (var assignment in overrides ?? []) ConfigJson.ApplyOverride(root, assignment);
        return ConfigJson.ParseUnvalidated(root.ToJsonString());
    }

    /// <summary>
    /// The pipeline's runs with <paramref name="overrides"/> applied to each, not validated (the page shows what is
    /// wrong). Throws <see cref="ConfigException"/> for an unknown override field.
    /// </summary>
    public Pipeline InstantiatePipeline(RunTemplate template, IEnumerable<string>? overrides = null) =>
        Pipeline.ParseUnvalidated(template.Json, overrides, name => StepText(template.Id, name, All.ToDictionary(t => t.Id, t => t.Json)));

    private static RunTemplate? TryRead(string id, string json, IReadOnlyDictionary<string, string> texts)
    {
        try
        {
            if (Pipeline.IsPipeline(json))
            {
                var pipeline = Pipeline.ParseUnvalidated(json, readFile: name => StepText(id, name, texts));
                var seeds = pipeline.Runs.Select(r => SeedOf(r.Tags)).Distinct().ToList();
                return new RunTemplate(id, pipeline.Name, pipeline.Description, json, pipeline, seeds.Count == 1 ? seeds[0] : null);
            }
            var config = ConfigJson.ParseUnvalidated(json);
            return new RunTemplate(id, config.Name, config.Description, json, Seed: SeedOf(config.Tags));
        }
        catch (Exception e) when (e is ConfigException or JsonException)
        {
            return null; // a broken template file is left out rather than breaking the lab
        }
    }

    /// <summary>A pipeline's run file, named beside it: the template of the same folder.</summary>
    private static string? StepText(string pipelineId, string fileName, IReadOnlyDictionary<string, string> texts)
    {
        if (fileName != Path.GetFileName(fileName) || !fileName.EndsWith(".json", StringComparison.Ordinal)) return null;
        int slash = pipelineId.LastIndexOf('/');
        string id = (slash < 0 ? "" : pipelineId[..(slash + 1)]) + fileName[..^".json".Length];
        return texts.GetValueOrDefault(id);
    }

    private static IEnumerable<(string Id, string Json)> Embedded()
    {
        var assembly = typeof(TemplateCatalog).Assembly;
        foreach (var name in assembly.GetManifestResourceNames().Where(n => n.StartsWith(ResourcePrefix, StringComparison.Ordinal)))
        {
            using var stream = assembly.GetManifestResourceStream(name)!;
            using var reader = new StreamReader(stream);
            yield return (TemplateId(name[ResourcePrefix.Length..]), reader.ReadToEnd());
        }
    }

    private static IEnumerable<(string Id, string Json)> FromFolder(string? folder)
    {
        if (string.IsNullOrWhiteSpace(folder) || !Directory.Exists(folder)) yield break;
        foreach (var file in Directory.EnumerateFiles(folder, "*.json", SearchOption.AllDirectories).Order(StringComparer.Ordinal))
            yield return (TemplateId(Path.GetRelativePath(folder, file)), File.ReadAllText(file));
    }

    private static string TemplateId(string relativePath) =>
        relativePath.Replace('\\', '/')[..^".json".Length];
}
