namespace SbirLab.Core.Configs;

/// <summary>What an experiment file of <c>experiments/</c> holds.</summary>
public enum ExperimentKind
{
    /// <summary>One run's config (<see cref="ConfigJson"/>).</summary>
    Run,

    /// <summary>A run chain: a <c>runs</c> array (<see cref="Pipeline"/>).</summary>
    Pipeline,

    /// <summary>A sweep: a base config and <c>axes</c> (<c>Sweeps.SweepJson</c>).</summary>
    Sweep,
}

/// <summary>Tells the kinds of experiment file apart by their top-level fields, so every reader of <c>experiments/</c> agrees.</summary>
public static class ExperimentFiles
{
    /// <summary>The kind of <paramref name="json"/>; text that is not a JSON object reads as a run config (whose reader names the problem).</summary>
    public static ExperimentKind KindOf(string json)
    {
        System.Text.Json.Nodes.JsonObject root;
        try { root = ConfigJson.ParseObject(json); }
        catch (ConfigException) { return ExperimentKind.Run; }
        if (root[Pipeline.RunsField] is System.Text.Json.Nodes.JsonArray) return ExperimentKind.Pipeline;
        return root.ContainsKey("axes") && root.ContainsKey("base") ? ExperimentKind.Sweep : ExperimentKind.Run;
    }

    /// <summary>The run configs among <paramref name="files"/> (paths), in order.</summary>
    public static IEnumerable<string> RunConfigs(IEnumerable<string> files) =>
        files.Where(f => KindOf(File.ReadAllText(f)) == ExperimentKind.Run);
}
