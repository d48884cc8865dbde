using System.Reflection;
using System.Text.Json;

namespace SbirLab.Core.Configs;

/// <summary>What kind of value a run config field holds, and so how a form edits it.</summary>
public enum FieldKind
{
    /// <summary>A whole number (int).</summary>
    Integer,

    /// <summary>A real number (double).</summary>
    Number,

    /// <summary>On or off (bool).</summary>
    Switch,

    /// <summary>One of an option enum's config names.</summary>
    Choice,

    /// <summary>Text (string, possibly null).</summary>
    Text,

    /// <summary>A list of whole numbers (precision cut-offs, class indices).</summary>
    IntegerList,

    /// <summary>A list of texts (tags).</summary>
    TextList,
}

/// <summary>
/// The run config's fields described from <see cref="RunConfig"/> itself, by their JSON paths ("loss.margin", camelCase as
/// <c>--set</c> spells them): the one place that maps a path to its type, for the form's editors and the sweeps' axes.
/// </summary>
public static class ConfigFields
{
    /// <summary>The CLR type of a field path, or null when the config has no such field.</summary>
    public static Type? TypeOf(string field)
    {
        ArgumentNullException.ThrowIfNull(field);
        Type type = typeof(RunConfig);
        foreach (var part in field.Split('.'))
        {
            var property = type.GetProperties().FirstOrDefault(p => CamelName(p) == part);
            if (property is null) return null;
            type = property.PropertyType;
        }
        return type;
    }

    /// <summary>How a field is edited; throws for a path the config lacks or a section (an object, not a value).</summary>
    public static FieldKind KindOf(string field)
    {
        var type = TypeOf(field) ?? throw new ArgumentException($"the run config has no field \"{field}\"", nameof(field));
        var plain = Nullable.GetUnderlyingType(type) ?? type;
        if (plain == typeof(int)) return FieldKind.Integer;
        if (plain == typeof(double)) return FieldKind.Number;
        if (plain == typeof(bool)) return FieldKind.Switch;
        if (plain.IsEnum) return FieldKind.Choice;
        if (plain == typeof(string)) return FieldKind.Text;
        if (plain == typeof(IReadOnlyList<int>)) return FieldKind.IntegerList;
        if (plain == typeof(IReadOnlyList<string>)) return FieldKind.TextList;
        throw new ArgumentException($"\"{field}\" is a section of the run config, not a field (its type is {plain.Name})", nameof(field));
    }

    /// <summary>The config names a choice field allows (<see cref="OptionNames.Of(Type)"/> of its enum).</summary>
    public static IReadOnlyList<string> ChoicesOf(string field) =>
        KindOf(field) == FieldKind.Choice ? OptionNames.Of(TypeOf(field)!) : throw new ArgumentException($"\"{field}\" is not a choice field", nameof(field));

    internal static string CamelName(PropertyInfo property) => JsonNamingPolicy.CamelCase.ConvertName(property.Name);
}
