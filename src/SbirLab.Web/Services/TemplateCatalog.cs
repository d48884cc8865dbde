using System.Text.Json;
using System.Text.Json.Nodes;
using SbirLab.Core.Configs;

namespace SbirLab.Web.Services;

/// <summary>An experiment template: a config file of <c>experiments/</c> (JSON with comments), or a run chain.</summary>
/// <param name="Id">Path below the templates folder without ".json", e.g. "fashion-mnist/triplet".</param>
/// <param name="Pipeline">For a run chain: its runs (read from their files beside it); null for one run's config.</param>
public sealed record RunTemplate(string Id, string Name, string? Description, string Json, Pipeline? Pipeline = null);

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
    }

    public IReadOnlyList<RunTemplate> All { get; }

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
                return new RunTemplate(id, pipeline.Name, pipeline.Description, json, pipeline);
            }
            var config = ConfigJson.ParseUnvalidated(json);
            return new RunTemplate(id, config.Name, config.Description, json);
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
