using Microsoft.EntityFrameworkCore;
using SbirLab.Store;

namespace SbirLab.Web.Services;

/// <summary>
/// Notes and tags a person adds to a run. Adding goes through the run store's own methods; the store has
/// no way to remove a tag, so this service does that one thing over the store's context.
/// </summary>
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

    public void RemoveTag(long runId, string tag)
    {
        using var db = store.CreateContext();
        db.Tags.Where(t => t.RunId == runId && t.Name == tag).ExecuteDelete();
    }
}
