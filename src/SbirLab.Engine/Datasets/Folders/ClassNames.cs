using System.Text;

namespace SbirLab.Engine.Datasets.Folders;

/// <summary>
/// Matches class names across datasets that spell them differently ("Alarm_Clock", "alarm clock", "alarm-clock"):
/// the normal form is lower case with spaces, underscores and hyphens removed.
/// </summary>
public static class ClassNames
{
    /// <summary>Lower-cases (invariant culture) and drops spaces, underscores and hyphens; trims nothing else.</summary>
    public static string Normalise(string name)
    {
        var builder = new StringBuilder(name.Length);
        foreach (var c in name)
        {
            if (c is not (' ' or '_' or '-') && !char.IsWhiteSpace(c))
            {
                builder.Append(char.ToLowerInvariant(c));
            }
        }

        return builder.ToString();
    }

    /// <summary>True when both names have the same normal form.</summary>
    public static bool Same(string a, string b) => string.Equals(Normalise(a), Normalise(b), StringComparison.Ordinal);
}
