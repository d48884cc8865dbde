namespace SbirLab.Core.Configs;

/// <summary>One problem with a config: which field, what it held, and what is allowed.</summary>
public sealed record ConfigError(string Field, string Value, string Allowed)
{
    public override string ToString() => $"{Field} = {Value}: {Allowed}";
}

/// <summary>Thrown when a config cannot be read or fails validation; lists every problem found.</summary>
public sealed class ConfigException(IReadOnlyList<ConfigError> errors)
    : Exception(string.Join(Environment.NewLine, errors.Select(e => e.ToString())))
{
    public IReadOnlyList<ConfigError> Errors { get; } = errors;
}
