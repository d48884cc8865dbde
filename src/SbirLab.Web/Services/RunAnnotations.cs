using SbirLab.Store;

namespace SbirLab.Web.Services;

/// <summary>Notes and tags a person adds to a run, trimmed, through the run store (the CLI's <c>runs tag|note</c> too).</summary>
public sealed class RunAnnotations(RunStore store)
{
    public void AddNote(long runId, string text)
    {
        if (!string.IsNullOrWhiteSpace(text)) store.AddNote(runId, text.Trim());
    }

    public void AddTag(long runId, string tag)
    {
        tag = tag.Trim();
        if (tag.Length > 0) store.AddTag(runId, tag);
    }

    public void RemoveTag(long runId, string tag) => store.RemoveTag(runId, tag);
}
