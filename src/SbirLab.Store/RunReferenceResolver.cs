using SbirLab.Core.Configs;
using SbirLab.Core.Runs;
using SbirLab.Store.Entities;

namespace SbirLab.Store;

/// <summary>
/// Turns the run references of a config's weight fields ("#12", "12", or a run name: <see cref="RunReferences"/>)
/// into runs of this store. A name means the newest run of that name. Queueing checks that each named run exists;
/// starting a run also needs each to be completed, and gives the engine their run folders instead of the references.
/// </summary>
public sealed class RunReferenceResolver(RunStore store)
{
    /// <summary>The run a reference names, or null.</summary>
    public RunRecord? Find(string reference)
    {
        using var db = store.CreateContext();
        return RunInputs.Find(db, reference);
    }

    /// <summary>Problems with the runs the config names: one that does not exist (and, with <paramref name="mustBeCompleted"/>, one not completed).</summary>
    public IReadOnlyList<ConfigError> Check(RunConfig config, bool mustBeCompleted)
    {
        using var db = store.CreateContext();
        return Check(db, config, mustBeCompleted);
    }

    /// <summary><see cref="Check(RunConfig, bool)"/> in <paramref name="db"/> (a chain being queued sees the runs its transaction inserted).</summary>
    internal static IReadOnlyList<ConfigError> Check(StoreDbContext db, RunConfig config, bool mustBeCompleted)
    {
        var errors = new List<ConfigError>();
        foreach (var (field, reference) in RunReferences.In(config))
        {
            var run = RunInputs.Find(db, reference);
            if (run is null)
                errors.Add(new ConfigError(field, reference, RunReferences.Allowed + $"; no run of this store is called {reference}"));
            else if (mustBeCompleted && run.Status != RunStatus.Completed)
                errors.Add(new ConfigError(field, reference, $"a completed run; run #{run.Id} ({run.Name}) is {run.Status.Text()}" + (run.Message is null ? "" : $": {run.Message}")));
        }
        return errors;
    }

    /// <summary>
    /// The config with each run reference replaced by that run's folder, for the engine.
    /// Throws <see cref="ConfigException"/> when a named run is missing or not completed.
    /// </summary>
    public RunConfig Resolve(RunConfig config)
    {
        var errors = Check(config, mustBeCompleted: true);
        if (errors.Count > 0) throw new ConfigException(errors);
        return RunReferences.Rewrite(config, (_, reference) => store.Data.RunFolder(Find(reference)!.Id).Root);
    }
}
