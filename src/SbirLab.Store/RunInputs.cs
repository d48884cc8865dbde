using System.Globalization;
using Microsoft.EntityFrameworkCore;
using SbirLab.Core.Configs;
using SbirLab.Core.Runs;
using SbirLab.Store.Entities;

namespace SbirLab.Store;

/// <summary>Whether a queued run may start: all its input runs completed, some still to finish, or one failed.</summary>
public enum InputState
{
    Ready,
    Waiting,
    Failed,
}

/// <summary>A run's input: a run whose weights one of its fields takes.</summary>
public sealed record RunInput(string Field, long RunId, string? Name, RunStatus? Status)
{
    /// <summary>"#12 (fm-drawn-pretrain-sketch)".</summary>
    public string Label => Name is null ? $"#{RunId}" : $"#{RunId} ({Name})";
}

/// <summary>
/// A run chain's links. A run's inputs are the store runs its weight fields name (pinned to ids, "#12", when it is
/// queued); its children are the runs that name it. A queued run waits until its inputs complete, and fails when
/// one of them fails, diverges or is deleted; a stopped or interrupted input may be resumed, so its children wait.
/// </summary>
public static class RunInputs
{
    /// <summary>The inputs that <paramref name="configJson"/> names; an unreadable config has none (the worker reports it when it starts).</summary>
    public static IReadOnlyList<RunInput> Of(StoreDbContext db, string configJson)
    {
        RunConfig config;
        try { config = ConfigJson.ParseUnvalidated(configJson); }
        catch (ConfigException) { return []; }
        var inputs = new List<RunInput>();
        foreach (var (field, reference) in RunReferences.In(config))
        {
            var run = Find(db, reference);
            inputs.Add(run is null
                ? new RunInput(field, RunReferences.RunId(reference) ?? 0, reference, null)
                : new RunInput(field, run.Id, run.Name, run.Status));
        }
        return inputs;
    }

    /// <summary>Whether a queued run with these inputs may start, and why not ("waiting for #12, #13" or "input #12 (…) failed: …").</summary>
    public static (InputState State, string? Reason) StateOf(StoreDbContext db, IReadOnlyList<RunInput> inputs)
    {
        var broken = inputs.FirstOrDefault(i => i.Status is null or RunStatus.Failed or RunStatus.Diverged);
        if (broken is not null)
        {
            string what = broken.Status is null ? "was deleted" : $"{broken.Status.Value.Text()}" + (MessageOf(db, broken.RunId) is { } m ? $": {m}" : "");
            return (InputState.Failed, $"input run {broken.Label} of {broken.Field} {what}");
        }
        var open = inputs.Where(i => i.Status != RunStatus.Completed).ToList();
        if (open.Count == 0) return (InputState.Ready, null);
        return (InputState.Waiting, "waiting for " + string.Join(", ", open.Select(i =>
            i.Status is RunStatus.Stopped or RunStatus.Interrupted ? $"#{i.RunId} ({i.Status.Value.Text()}; resume it)" : $"#{i.RunId}")));
    }

    /// <summary>The runs whose weight fields name run <paramref name="runId"/>, oldest first.</summary>
    public static IReadOnlyList<RunRecord> ChildrenOf(StoreDbContext db, long runId)
    {
        // Pinned references are written "#id"; the text match narrows the rows, the parse decides.
        string mark = "\"#" + runId.ToString(CultureInfo.InvariantCulture) + "\"";
        var candidates = db.Runs.AsNoTracking().Where(r => r.ConfigJson.Contains(mark)).OrderBy(r => r.Id).ToList();
        return candidates.Where(r => Of(db, r.ConfigJson).Any(i => i.RunId == runId)).ToList();
    }

    /// <summary>The run a reference ("#12", "12" or a name: the newest run of that name) names, or null.</summary>
    public static RunRecord? Find(StoreDbContext db, string reference)
    {
        if (RunReferences.RunId(reference) is { } id) return db.Runs.AsNoTracking().FirstOrDefault(r => r.Id == id);
        return db.Runs.AsNoTracking().Where(r => r.Name == reference).OrderByDescending(r => r.Id).FirstOrDefault();
    }

    /// <summary>The config with each run reference by name pinned to that run's id ("#12"), so the run keeps the input it was queued with.</summary>
    public static RunConfig Pin(StoreDbContext db, RunConfig config) =>
        RunReferences.Rewrite(config, (_, reference) => Find(db, reference) is { } run ? "#" + run.Id.ToString(CultureInfo.InvariantCulture) : reference);

    private static string? MessageOf(StoreDbContext db, long runId) =>
        db.Runs.AsNoTracking().Where(r => r.Id == runId).Select(r => r.Message).FirstOrDefault();
}
