using System.Globalization;
using System.Text.Json;
using SbirLab.Core.Runs;
using SbirLab.Store.Entities;

namespace SbirLab.Store;

/// <summary>
/// A run's provenance as a table of lines (the run page and the assignment report show it): code commit, seed,
/// device, host, timing, packages, and the device facts the trainer reported (<see cref="RunRecord.ProvenanceJson"/>).
/// </summary>
public static class ProvenanceTable
{
    public static IReadOnlyList<ProvenanceItem> Of(RunRecord run)
    {
        var items = new List<ProvenanceItem>
        {
            new("run id", run.Id.ToString(CultureInfo.InvariantCulture)),
            new("code commit", run.CodeCommit is null ? "unknown" : run.CodeCommit + (run.CodeDirty == true ? " (with uncommitted changes)" : "")),
            new("seed", run.Seed.ToString(CultureInfo.InvariantCulture)),
            new("device", (run.WorkerDevice is { } pinned ? pinned + ": " : "") + (run.Device ?? "not started")),
            new("queue", run.Queue + (run.DeviceKind is { } kind ? $" (needs a {kind} device)" : " (any device)")),
            new("worker", run.WorkerId is null ? "–" : $"{run.WorkerId} on {run.WorkerHost}"),
            new("host", run.Host ?? "–"),
            new("created", Time(run.CreatedAt)),
            new("started", Time(run.StartedAt)),
            new("finished", Time(run.FinishedAt)),
            new("attempts", run.Attempts.ToString(CultureInfo.InvariantCulture)),
        };
        if (run.ParentRunId is { } parent) items.Add(new("cloned from run", parent.ToString(CultureInfo.InvariantCulture)));
        if (run.CheckpointPath is not null) items.Add(new("last checkpoint", $"{run.CheckpointPath} (step {run.CheckpointStep})"));
        foreach (var (name, version) in Packages(run.PackageVersions)) items.Add(new(name, version));
        if (run.ProvenanceJson is { } json && RunProvenance.FromJson(json) is { } provenance) items.AddRange(DeviceFacts(provenance));
        return items;
    }

    private static IEnumerable<(string, string)> Packages(string? json)
    {
        if (string.IsNullOrEmpty(json)) return [];
        try
        {
            return (JsonSerializer.Deserialize<Dictionary<string, string>>(json) ?? []).Select(kv => (kv.Key, kv.Value));
        }
        catch (JsonException) { return []; }
    }

    private static IEnumerable<ProvenanceItem> DeviceFacts(RunProvenance provenance)
    {
        foreach (var (label, value) in new[]
                 {
                     ("device name", provenance.DeviceName), ("device memory", provenance.DeviceMemory), ("libtorch", provenance.LibTorch),
                     ("libtorch warning", provenance.LibTorchWarning), ("os", provenance.Os), ("runtime", provenance.Runtime),
                 })
            if (!string.IsNullOrEmpty(value)) yield return new ProvenanceItem(label, value);
    }

    private static string Time(DateTime? time) =>
        time is { } t ? DateTime.SpecifyKind(t, DateTimeKind.Utc).ToString("yyyy-MM-dd HH:mm:ss 'UTC'", CultureInfo.InvariantCulture) : "–";
}
