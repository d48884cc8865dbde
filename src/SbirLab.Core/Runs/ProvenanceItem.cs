namespace SbirLab.Core.Runs;

/// <summary>One line of a run's provenance table (code commit, seed, device, packages, host, timing).</summary>
public sealed record ProvenanceItem(string Label, string Value);
