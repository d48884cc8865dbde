using SbirLab.Store;
using SbirLab.Store.Accounts;

namespace SbirLab.Web.Services;

/// <summary>
/// Notes and tags a person adds to a run, trimmed, through the run store (the CLI's <c>runs tag|note</c> too). Notes
/// need <see cref="RunAction.Note"/> (graders write grading notes), tags <see cref="RunAction.Manage"/>.
/// </summary>
public sealed class RunAnnotations(RunStore store)
{
    public void AddNote(Caller caller, long runId, string text)
    {
        Demand(caller, RunAction.Note, runId);
        if (!string.IsNullOrWhiteSpace(text)) store.AddNote(runId, text.Trim());
    }

    public void AddTag(Caller caller, long runId, string tag)
    {
        Demand(caller, RunAction.Manage, runId);
        tag = tag.Trim();
        if (tag.Length > 0) store.AddTag(runId, tag);
    }

    public void RemoveTag(Caller caller, long runId, string tag)
    {
        Demand(caller, RunAction.Manage, runId);
        store.RemoveTag(runId, tag);
    }

    private void Demand(Caller caller, RunAction action, long runId) =>
        store.Access.Demand(caller, action, store.Find(runId) ?? throw new KeyNotFoundException($"no run with id {runId}"));
}
