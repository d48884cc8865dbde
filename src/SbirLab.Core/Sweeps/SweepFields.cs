using System.Reflection;
using SbirLab.Core.Configs;

namespace SbirLab.Core.Sweeps;

/// <summary>The run config's fields a sweep may vary: numbers (int, double), switches and option choices.</summary>
public static class SweepFields
{
    /// <summary>Every sweepable field path ("loss.margin", ...), in the config's order.</summary>
    public static readonly IReadOnlyList<string> All = [.. Walk(typeof(RunConfig), "")];

    public static bool IsSweepable(Type? type) =>
        type is not null && (type == typeof(int) || type == typeof(double) || type == typeof(bool) || type.IsEnum);

    /// <summary>Numbers may be swept over a range; choices and switches only over a list.</summary>
    public static bool IsNumeric(Type? type) => type == typeof(int) || type == typeof(double);

    private static IEnumerable<string> Walk(Type type, string prefix)
    {
        foreach (var property in type.GetProperties().Where(p => p.GetCustomAttribute<System.Text.Json.Serialization.JsonIgnoreAttribute>() is null))
        {
            string path = prefix + CamelName(property);
            if (IsSweepable(property.PropertyType)) yield return path;
            else if (property.PropertyType.IsClass && property.PropertyType != typeof(string) && !property.PropertyType.IsGenericType)
                foreach (var inner in Walk(property.PropertyType, path + ".")) yield return inner;
        }
    }

    private static string CamelName(PropertyInfo property) => ConfigFields.CamelName(property);
}
