using Microsoft.EntityFrameworkCore;
using SbirLab.Core.Configs;
using SbirLab.Core.Runs;
using SbirLab.Store.Accounts;
using SbirLab.Store.Entities;

namespace SbirLab.Store;

/// <summary>What people add to a run: tags and notes.</summary>
public sealed partial class RunStore
{
    public void AddTag(long runId, string tag)
    {
        using var db = CreateContext();
        if (db.Tags.Any(t => t.RunId == runId && t.Name == tag)) return;
        db.Tags.Add(new RunTag { RunId = runId, Name = tag });
        db.SaveChanges();
    }

    public void RemoveTag(long runId, string tag)
    {
        using var db = CreateContext();
        db.Tags.Where(t => t.RunId == runId && t.Name == tag).ExecuteDelete();
    }

    public void AddNote(long runId, string text)
    {
        using var db = CreateContext();
        db.Notes.Add(new RunNote { RunId = runId, Text = text, CreatedAt = DateTime.UtcNow });
        db.SaveChanges();
    }
}
