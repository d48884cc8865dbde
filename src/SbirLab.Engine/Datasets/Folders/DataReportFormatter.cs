using System.Globalization;
using System.Text;

namespace SbirLab.Engine.Datasets.Folders;

/// <summary>Renders a <see cref="DataReport"/> as aligned plain text.</summary>
internal static class DataReportFormatter
{
    public static string Format(DataReport report, int maxClassRows)
    {
        var text = new StringBuilder();
        text.AppendLine(CultureInfo.InvariantCulture, $"Dataset: {report.Root}");
        text.AppendLine(CultureInfo.InvariantCulture, $"Layout:  {report.Layout}");
        text.AppendLine();
        AppendTable(text, ["domain", "images", "classes", "source"],
            report.Domains.Select(d => new[] { d.Name, Number(d.Images), Number(d.Classes), d.Source }).ToList(), rightAligned: [1, 2]);
        text.AppendLine();
        AppendClasses(text, report, maxClassRows);
        AppendOneDomainOnly(text, report);
        AppendUnreadable(text, report);
        return text.ToString();
    }

    private static void AppendClasses(StringBuilder text, DataReport report, int maxClassRows)
    {
        var shared = report.Classes.Count(r => r.Counts.All(c => c > 0));
        var heading = report.Domains.Count > 1
            ? $"Classes: {report.Classes.Count} ({shared} in every domain)"
            : $"Classes: {report.Classes.Count}";
        text.AppendLine(heading);
        var header = new[] { "class" }.Concat(report.Domains.Select(d => d.Name)).ToArray();
        var rows = report.Classes.Take(maxClassRows).Select(r => new[] { r.Name }.Concat(r.Counts.Select(Number)).ToArray()).ToList();
        AppendTable(text, header, rows, rightAligned: Enumerable.Range(1, report.Domains.Count).ToArray());
        if (report.Classes.Count > maxClassRows)
        {
            text.AppendLine(CultureInfo.InvariantCulture, $"  ... {report.Classes.Count - maxClassRows} more classes");
        }

        text.AppendLine();
    }

    private static void AppendOneDomainOnly(StringBuilder text, DataReport report)
    {
        if (report.Domains.Count < 2)
        {
            return;
        }

        text.AppendLine(CultureInfo.InvariantCulture, $"Classes in one domain only: {report.OneDomainOnly.Count}");
        foreach (var line in report.OneDomainOnly)
        {
            text.AppendLine(CultureInfo.InvariantCulture, $"  {line}");
        }

        text.AppendLine();
    }

    private static void AppendUnreadable(StringBuilder text, DataReport report)
    {
        if (report.ImagesChecked == 0)
        {
            text.AppendLine("Unreadable files: not checked");
            return;
        }

        text.AppendLine(CultureInfo.InvariantCulture, $"Unreadable files: {report.Unreadable.Count} of {Number(report.ImagesChecked)} checked");
        AppendTable(text, ["domain", "file", "error"],
            report.Unreadable.Select(u => new[] { u.Domain, u.Path, u.Error }).ToList(), rightAligned: []);
    }

    private static void AppendTable(StringBuilder text, string[] header, List<string[]> rows, int[] rightAligned)
    {
        if (rows.Count == 0)
        {
            return;
        }

        var widths = header.Select((h, c) => Math.Max(h.Length, rows.Max(r => r[c].Length))).ToArray();
        AppendRow(text, header, widths, rightAligned);
        foreach (var row in rows)
        {
            AppendRow(text, row, widths, rightAligned);
        }
    }

    private static void AppendRow(StringBuilder text, string[] cells, int[] widths, int[] rightAligned)
    {
        var padded = cells.Select((cell, c) => rightAligned.Contains(c) ? cell.PadLeft(widths[c]) : cell.PadRight(widths[c]));
        text.Append("  ").AppendLine(string.Join("  ", padded).TrimEnd());
    }

    private static string Number(int value) => value.ToString("N0", CultureInfo.InvariantCulture);
}
