using System.Globalization;
using System.Text;

namespace SbirLab.Engine.Weights;

/// <summary>Weights that would leave part of a network at its random initialisation.</summary>
public sealed class WeightLoadException(string message) : IOException(message);

/// <summary>
/// The rule for weights a run asks for (pretrained backbones, <c>model.initFrom</c>): every tensor of the target gets
/// a value, or the run fails naming what is missing or mis-shaped, unless the config allows a partial load. Tensors of
/// the source the target lacks (an ImageNet file's <c>fc.*</c> when the head replaces the classifier) are only reported.
/// </summary>
public static class WeightLoadCheck
{
    private const int ListedNames = 40;

    /// <summary>Throws <see cref="WeightLoadException"/> when <paramref name="report"/> leaves tensors of the target unloaded and <paramref name="allowPartial"/> is false.</summary>
    public static void EnsureComplete(string field, string target, string source, ImportReport report, bool allowPartial)
    {
        var missing = report.MissingExceptBatchCounters;
        if (allowPartial || (missing.Count == 0 && report.Mismatched.Count == 0)) return;
        int total = report.Loaded.Count + report.Missing.Count + report.Mismatched.Count;
        var message = new StringBuilder();
        message.Append(CultureInfo.InvariantCulture, $"{field}: {source} gives the {target} {report.Loaded.Count} of its {total} tensors");
        if (missing.Count > 0) message.Append(CultureInfo.InvariantCulture, $"; missing {missing.Count}: {Names(missing.Select(m => m.Name))}");
        if (report.Mismatched.Count > 0) message.Append(CultureInfo.InvariantCulture, $"; mis-shaped {report.Mismatched.Count}: {Names(report.Mismatched.Select(m => m.ToString()))}");
        message.Append("; give weights of the same architecture, or set model.allowPartialLoad = true to train with the rest at random");
        throw new WeightLoadException(message.ToString());
    }

    private static string Names(IEnumerable<string> names)
    {
        var list = names.ToList();
        string shown = string.Join(", ", list.Take(ListedNames));
        return list.Count > ListedNames ? $"{shown} and {list.Count - ListedNames} more (the run's log lists all)" : shown;
    }
}
