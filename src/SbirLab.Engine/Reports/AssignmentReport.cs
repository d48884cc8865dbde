using System.Globalization;
using System.Net;
using System.Text;
using SbirLab.Core.Configs;
using SbirLab.Core.Reports;
using SbirLab.Engine.Training;

namespace SbirLab.Engine.Reports;

/// <summary>
/// Seed 000's written report as one self-contained HTML document (no file, script, stylesheet or font from
/// elsewhere: every picture is a PNG in a data: URI): the sections of the seed's outline (abstract, introduction,
/// development, results and discussion, conclusions) as editable placeholders for the team, the runs' configs side
/// by side (only the fields that differ), the final metrics with the best of each row marked, overlaid loss, mAP,
/// precision–recall and recall-ratio curves, each run's ranked examples (one query per class) and embedding maps as
/// the engine drew them, and the provenance of every run. Every text from a user (names, config values) is escaped.
/// </summary>
public sealed class AssignmentReport : IReportRenderer
{
    /// <summary>Seed 000's outline ("4. Informe"), in its order, with what each section holds and its weight.</summary>
    public static readonly IReadOnlyList<(string Id, string Title, string Hint)> Outline =
    [
        ("abstract", "Abstract", "A summary of the work."),
        ("introduction", "Introduction", "The problem and its context: what sketch-based image retrieval is, how siamese networks and the losses involved work (10 %)."),
        ("development", "Development", "The design and implementation of the programs the experiments needed (40 %)."),
        ("results", "Results and discussion", "The results, and above all their analysis: how the models behave by the metrics below; recommendations drawn from what you observe (40 %)."),
        ("conclusions", "Conclusions", "What the experiments show (10 %)."),
    ];

    private static readonly (string File, string Title)[] RunPictureTitles =
    [
        (RunPictures.RankedExamplesFile, "Ranked examples: one query per class, relevant results framed green"),
        (RunPictures.OneShotEpisodesFile, "One-shot episodes"),
        (RunEmbeddingMap.TsnePicture, "Embedding map (t-SNE)"),
        (RunEmbeddingMap.PcaPicture, "Embedding map (PCA)"),
    ];

    private const int ChartWidth = 1000, ChartHeight = 560;

    public IReadOnlyList<string> PictureNames { get; } = [.. RunPictureTitles.Select(p => p.File)];

    public string Html(IReadOnlyList<ReportRun> runs, DateTime generatedUtc)
    {
        ArgumentNullException.ThrowIfNull(runs);
        if (runs.Count == 0) throw new ArgumentException("a report needs at least one run", nameof(runs));
        var evaluations = runs.Select(r => r.EvaluationJson is { } json ? RunEvaluator.Parse(json) : null).ToList();
        var html = new StringBuilder(1 << 20);
        Head(html, runs);
        Cover(html, runs, generatedUtc);
        Section(html, 0);
        Section(html, 1);
        Section(html, 2);
        Configs(html, runs);
        Section(html, 3);
        Metrics(html, runs, evaluations);
        Curves(html, runs, evaluations);
        RunFigures(html, runs);
        Section(html, 4);
        Provenance(html, runs);
        return html.Append(SaveScript).Append("</body></html>\n").ToString();
    }

    private static void Head(StringBuilder html, IReadOnlyList<ReportRun> runs) =>
        html.Append("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><meta name=\"generator\" content=\"SbirLab\"><title>")
            .Append(E("Report: " + string.Join(", ", runs.Select(r => r.Label))))
            .Append("</title><style>").Append(Style).Append("</style></head><body>");

    private static void Cover(StringBuilder html, IReadOnlyList<ReportRun> runs, DateTime generatedUtc)
    {
        html.Append("<div class=\"toolbar\">The dashed boxes are yours to write in: click one and type. ")
            .Append("<button type=\"button\" onclick=\"saveEditedCopy()\">Save edited copy</button> ")
            .Append("<button type=\"button\" onclick=\"window.print()\">Print / PDF</button></div>");
        html.Append("<h1 class=\"editable\" contenteditable=\"true\">Sketch-based image retrieval with siamese networks</h1>")
            .Append("<p class=\"authors editable\" contenteditable=\"true\">Team, authors, course</p>")
            .Append("<p class=\"meta\">Generated ").Append(E(generatedUtc.ToString("yyyy-MM-dd HH:mm 'UTC'", CultureInfo.InvariantCulture)))
            .Append(" by SbirLab from ").Append(runs.Count == 1 ? "one run" : $"{runs.Count} runs").Append(".</p>");
        html.Append("<table class=\"runs\"><thead><tr><th>run</th><th>team</th><th>status</th><th>backbone</th><th>embedding loss</th><th>epochs</th></tr></thead><tbody>");
        for (int i = 0; i < runs.Count; i++)
        {
            var run = runs[i];
            html.Append("<tr data-run=\"").Append(run.Id.ToString(CultureInfo.InvariantCulture)).Append("\"><td>").Append(Swatch(i)).Append(E(run.Label))
                .Append("</td><td>").Append(E(run.Team)).Append("</td><td>").Append(E(run.Status))
                .Append("</td><td>").Append(E(run.Config.Model.Backbone.Name())).Append("</td><td>").Append(E(run.Config.Loss.Embedding.Name()))
                .Append("</td><td>").Append(run.Config.Training.Epochs.ToString(CultureInfo.InvariantCulture)).Append("</td></tr>");
        }
        html.Append("</tbody></table>");
    }

    private static void Section(StringBuilder html, int index)
    {
        var (id, title, hint) = Outline[index];
        html.Append("<h2 id=\"").Append(id).Append("\">").Append(index + 1).Append(". ").Append(E(title)).Append("</h2>")
            .Append("<p class=\"hint\">").Append(E(hint)).Append("</p>")
            .Append("<div class=\"editable section-text\" contenteditable=\"true\" data-placeholder=\"true\" data-section=\"").Append(id).Append("\"><p>")
            .Append(E($"{title}: to be written by the team.")).Append("</p></div>");
    }

    private static void Configs(StringBuilder html, IReadOnlyList<ReportRun> runs)
    {
        var all = ConfigComparison.Rows([.. runs.Select(r => r.Config)]);
        var rows = runs.Count == 1 ? all : [.. all.Where(r => r.Differs)];
        html.Append("<h3>Configurations</h3><p class=\"note\">")
            .Append(runs.Count == 1 ? "Every field of the run's config."
                : $"Only the {rows.Count} fields that differ between the runs; the other {all.Count - rows.Count} are equal in every run.")
            .Append(" Field names as <code>--set</code> takes them.</p>");
        html.Append("<table class=\"configs\"><thead><tr><th>field</th>");
        for (int i = 0; i < runs.Count; i++) html.Append("<th>").Append(Swatch(i)).Append(E(runs[i].Label)).Append("</th>");
        html.Append("</tr></thead><tbody>");
        foreach (var row in rows)
        {
            html.Append("<tr data-field=\"").Append(E(row.Field)).Append("\"><td class=\"mono\">").Append(E(row.Field)).Append("</td>");
            foreach (var value in row.Values) html.Append("<td class=\"mono\">").Append(E(value)).Append("</td>");
            html.Append("</tr>");
        }
        html.Append("</tbody></table>");
    }

    private static void Metrics(StringBuilder html, IReadOnlyList<ReportRun> runs, IReadOnlyList<EvaluationFile?> evaluations)
    {
        var table = FinalMetrics.Build([.. runs.Select((r, i) => FinalMetrics.Of(r.Id, r.Label, EpochValues(r), evaluations[i]))]);
        html.Append("<h3>Final metrics</h3><p class=\"note\">Retrieval figures of each run's latest evaluation, training figures of its last epoch; ")
            .Append("↑ higher is better, ↓ lower; the best of each row in bold.</p>");
        html.Append("<table class=\"metrics\"><thead><tr><th>metric</th>");
        for (int i = 0; i < runs.Count; i++) html.Append("<th>").Append(Swatch(i)).Append(E(runs[i].Label)).Append("</th>");
        html.Append("</tr></thead><tbody>");
        for (int c = 0; c < table.Columns.Count; c++)
        {
            var column = table.Columns[c];
            html.Append("<tr data-metric=\"").Append(E(column.Key)).Append("\"><td>").Append(E(column.Title)).Append(column.HigherIsBetter ? " ↑" : " ↓").Append("</td>");
            for (int line = 0; line < table.Lines.Count; line++)
            {
                var value = table.Lines[line].Values[c];
                html.Append(table.IsBest(line, c) ? "<td class=\"best\"" : "<td").Append(" data-run=\"").Append(table.Lines[line].RunId.ToString(CultureInfo.InvariantCulture)).Append('"');
                if (value is { } v) html.Append(" data-value=\"").Append(v.ToString("R", CultureInfo.InvariantCulture)).Append('"');
                html.Append('>').Append(Figure(column.Key, value)).Append("</td>");
            }
            html.Append("</tr>");
        }
        html.Append("</tbody></table>");
    }

    private static void Curves(StringBuilder html, IReadOnlyList<ReportRun> runs, IReadOnlyList<EvaluationFile?> evaluations)
    {
        html.Append("<h3>Curves</h3><div class=\"charts\">");
        var loss = runs.Select((r, i) => new Series(r.Label, r.StepLoss.X, r.StepLoss.Y, Hex(i))).Where(s => s.X.Length > 0).ToList();
        if (loss.Count > 0)
            Chart(html, "loss", "Training loss per step (smoothed; raw values faint)", new ChartSpec("Training loss per step", "step", "loss", loss, Smoothing: RunCharts.DefaultLossSmoothing));
        var map = runs.Select((r, i) => r.EpochCurves.TryGetValue("map", out var s) ? new Series(r.Label, s.X, s.Y, Hex(i)) : null).OfType<Series>().ToList();
        if (map.Count > 0)
            Chart(html, "map", "mAP of the evaluation after each epoch", RunCharts.MetricSpec("mAP per epoch", "mAP", map));
        var reports = runs.Select((r, i) => (Run: r, Index: i, Report: evaluations[i]?.Report)).Where(x => x.Report is not null).ToList();
        if (reports.Count == 0)
        {
            html.Append("</div><p class=\"note\">No run has a retrieval evaluation yet: no precision–recall or recall-ratio curve.</p>");
            return;
        }
        var pr = RunCharts.PrecisionRecallSpec([.. reports.Select(x => RunPictures.PrCurveOf(x.Run.Label, x.Report!))]);
        Chart(html, "precision-recall", "Mean precision against mean recall at each rank (seed 004's curve)", Recolor(pr, reports.Select(x => x.Index)));
        var sizes = reports.Select(x => x.Report!.GalleryCount).Distinct().ToList();
        var curves = reports.Select(x => RunPictures.RecallRatioOf(x.Run.Label, x.Report!)).ToList();
        var ratio = sizes.Count == 1
            ? RunCharts.RecallRatioSpec(curves)
            // Galleries of different sizes compare on the fraction of each one retrieved.
            : RunCharts.RecallRatioSpec([.. curves.Select((c, k) => c with { Retrieved = [.. c.Retrieved.Select(n => n / reports[k].Report!.GalleryCount)] })], gallerySize: 1);
        Chart(html, "recall-ratio", sizes.Count == 1 ? $"Mean recall against the number of items retrieved (gallery of {sizes[0]:N0})" : "Mean recall against the fraction of each run's gallery retrieved",
            Recolor(ratio, reports.Select(x => x.Index)));
        html.Append("</div>");
    }

    private static void RunFigures(StringBuilder html, IReadOnlyList<ReportRun> runs)
    {
        for (int i = 0; i < runs.Count; i++)
        {
            var run = runs[i];
            html.Append("<div class=\"run-figures\" data-run=\"").Append(run.Id.ToString(CultureInfo.InvariantCulture)).Append("\">");
            if (i == 0) html.Append("<h3>Ranked examples and embedding maps</h3><p class=\"note\">As the engine drew them at each run's evaluation.</p>");
            html.Append("<h4>").Append(Swatch(i)).Append(E(run.Label)).Append("</h4>");
            var pictures = RunPictureTitles.Select(t => (t.Title, Picture: run.Pictures.FirstOrDefault(p => p.FileName == t.File))).Where(p => p.Picture is not null).ToList();
            if (pictures.Count == 0) html.Append("<p class=\"note\">No pictures in the run's folder: it has not been evaluated.</p>");
            foreach (var (title, picture) in pictures)
            {
                bool map = picture!.FileName.StartsWith("embedding-map", StringComparison.Ordinal);
                Image(html, map ? "half" : "wide", picture.FileName, $"{run.Label}: {title}", picture.Png);
            }
            html.Append("</div>");
        }
    }

    private static void Provenance(StringBuilder html, IReadOnlyList<ReportRun> runs)
    {
        html.Append("<h2 id=\"provenance\">Appendix: provenance</h2><p class=\"note\">What produced each run: code, seed, device, packages, timing.</p>");
        var labels = runs.SelectMany(r => r.Provenance.Select(p => p.Label)).Distinct(StringComparer.Ordinal).ToList();
        html.Append("<table class=\"provenance\"><thead><tr><th></th>");
        for (int i = 0; i < runs.Count; i++) html.Append("<th>").Append(Swatch(i)).Append(E(runs[i].Label)).Append("</th>");
        html.Append("</tr></thead><tbody>");
        foreach (var label in labels)
        {
            html.Append("<tr><td>").Append(E(label)).Append("</td>");
            foreach (var run in runs)
                html.Append("<td class=\"mono\">").Append(E(run.Provenance.FirstOrDefault(p => p.Label == label)?.Value ?? "–")).Append("</td>");
            html.Append("</tr>");
        }
        html.Append("</tbody></table>");
    }

    private static void Chart(StringBuilder html, string name, string caption, ChartSpec spec) =>
        Image(html, "chart", name + ".png", caption, LineChart.RenderPng(spec, ChartWidth, ChartHeight));

    private static void Image(StringBuilder html, string kind, string name, string caption, byte[] png) =>
        html.Append("<figure class=\"").Append(kind).Append("\" data-picture=\"").Append(E(name)).Append("\"><img alt=\"").Append(E(caption))
            .Append("\" src=\"data:image/png;base64,").Append(Convert.ToBase64String(png)).Append("\"><figcaption>").Append(E(caption)).Append("</figcaption></figure>");

    private static ChartSpec Recolor(ChartSpec spec, IEnumerable<int> runIndices) =>
        spec with { Series = [.. spec.Series.Zip(runIndices, (s, i) => s with { Color = Hex(i) })] };

    private static Dictionary<string, double[]> EpochValues(ReportRun run) =>
        run.EpochCurves.ToDictionary(c => c.Key, c => c.Value.Y, StringComparer.Ordinal);

    private static string Hex(int index)
    {
        var c = ChartPalette.Color(index);
        return $"#{c.Red:X2}{c.Green:X2}{c.Blue:X2}";
    }

    private static string Swatch(int index) => $"<span class=\"swatch\" style=\"color:{Hex(index)}\">●</span> ";

    private static string Figure(string metric, double? value) => value switch
    {
        null => "–",
        { } v when metric == "train_seconds" => v.ToString("N1", CultureInfo.InvariantCulture),
        { } v when !double.IsFinite(v) => v.ToString(CultureInfo.InvariantCulture),
        { } v when Math.Abs(v) >= 100 => v.ToString("N0", CultureInfo.InvariantCulture),
        { } v => v.ToString("0.0000", CultureInfo.InvariantCulture),
    };

    private static string E(string text) => WebUtility.HtmlEncode(text);

    /// <summary>
    /// Saves the page as it is now (with what the team wrote) as a new HTML file; a section's placeholder goes when
    /// the section is first clicked, so the team writes into an empty box.
    /// </summary>
    private const string SaveScript =
        "<script>document.querySelectorAll('[data-placeholder]').forEach(function(d){d.addEventListener('focus',function(){" +
        "if(d.hasAttribute('data-placeholder')){d.removeAttribute('data-placeholder');d.innerHTML='<p><br></p>';}});});" +
        "function saveEditedCopy(){var b=new Blob(['<!DOCTYPE html>\\n'+document.documentElement.outerHTML],{type:'text/html'});" +
        "var a=document.createElement('a');a.href=URL.createObjectURL(b);a.download='report-edited.html';document.body.appendChild(a);a.click();a.remove();}</script>";

    private const string Style =
        "@page{size:A4;margin:14mm 12mm}" +
        "body{font-family:'DejaVu Sans',Arial,sans-serif;max-width:1120px;margin:20px auto;padding:0 16px;color:#222;line-height:1.45;font-size:14px}" +
        "h1{font-size:26px;margin:8px 0 4px}h2{font-size:20px;border-bottom:1px solid #bbb;padding-bottom:3px;margin-top:28px}h3{font-size:16px;margin-top:20px}h4{font-size:14px;margin:14px 0 6px}" +
        ".meta,.note,.hint{color:#666;font-size:12px}.hint{font-style:italic;margin:2px 0 6px}" +
        ".toolbar{background:#f3f6fa;border:1px solid #d6e0ea;padding:6px 10px;font-size:12px;color:#444;margin-bottom:8px}" +
        ".editable{outline:none}.section-text,.authors{border:1px dashed #b8b8b8;padding:6px 10px;min-height:36px;border-radius:3px}" +
        ".section-text:focus,.authors:focus,h1:focus{border-color:#4e79a7;background:#fbfdff}.section-text[data-placeholder]{color:#888;font-style:italic}" +
        "table{border-collapse:collapse;margin:6px 0;font-size:12px;width:auto;max-width:100%}td,th{border:1px solid #d4d4d4;padding:3px 7px;text-align:left;vertical-align:top}th{background:#f2f2f2}" +
        "table.metrics td[data-value]{text-align:right;font-variant-numeric:tabular-nums}" +
        ".mono{font-family:'DejaVu Sans Mono',monospace;font-size:11px;overflow-wrap:anywhere}td:first-child{white-space:nowrap}.best{font-weight:bold;background:#e6f4ea}.swatch{font-size:13px}" +
        ".charts{display:flex;flex-wrap:wrap;gap:10px}figure{margin:4px 0;break-inside:avoid}figure img{width:100%;height:auto;display:block}" +
        "figure.chart{width:calc(50% - 5px)}figure.wide{width:100%}figure.half{display:inline-block;width:calc(50% - 6px);margin-right:6px;vertical-align:top}" +
        "figcaption{font-size:11px;color:#555;margin-top:2px}code{font-size:12px}" +
        "@media print{body{margin:0;max-width:none;padding:0;font-size:12px}.toolbar,.hint{display:none}.section-text,.authors{border:none;padding:0}" +
        ".charts{display:block}figure.chart{width:100%}h2,h3,h4{break-after:avoid}tr{break-inside:avoid}" +
        // One run's pictures a page (the ranked grid), its maps stacked after it, large enough to read.
        ".run-figures{break-before:page}figure.wide img{width:82%;margin:0 auto}figure.half{display:block;width:74%;margin:6px auto}figure.wide figcaption{text-align:center}}";
}
