using SbirLab.Core.Configs;
using SbirLab.Core.Runs;
using SbirLab.Store.Accounts;
using SbirLab.Store.Entities;

namespace SbirLab.Store;

/// <summary>
/// The store that holds the history of the run in a run folder, for the commands that take a folder (<c>sbirlab eval</c>):
/// the folder's own store (<c>DIR/sbirlab.db</c>, written by <c>sbirlab train --out DIR</c>), else the lab's SQLite store
/// when the folder is one of a lab's run folders (<c>DATA/runs/ID</c>). A folder trained before run folders kept a store
/// (a checkpoint and the old history files) gets its own store, with the run adopted from the checkpoint and its old
/// files imported (<see cref="LegacyRunFiles"/>).
/// </summary>
public static class RunFolderStore
{
    /// <summary>The store and the run of <paramref name="folder"/>; null when the folder has no checkpoint and lies in no lab.</summary>
    /// <param name="checkpointConfig">The config in the folder's last checkpoint (read by the engine), for a folder to adopt.</param>
    /// <param name="checkpoint">The folder's last checkpoint, for a folder to adopt.</param>
    public static (RunStore Store, RunRecord Run)? Open(RunFolder folder, Func<RunConfig> checkpointConfig, Func<CheckpointInfo> checkpoint)
    {
        ArgumentNullException.ThrowIfNull(folder);
        ArgumentNullException.ThrowIfNull(checkpointConfig);
        ArgumentNullException.ThrowIfNull(checkpoint);
        if (DataFolder.HoldsRunStore(folder.Root)) return Newest(RunStore.Open(DataFolder.ForRunFolder(folder.Root)));
        if (LabOf(folder) is { } lab) return lab;
        if (!File.Exists(folder.LastCheckpoint)) return null;
        var store = RunStore.Open(DataFolder.ForRunFolder(folder.Root));
        try
        {
            Adopt(store, checkpointConfig(), checkpoint(), folder);
            return Newest(store);
        }
        catch
        {
            store.Dispose();
            throw;
        }
    }

    private static (RunStore, RunRecord)? Newest(RunStore store)
    {
        if (store.List().OrderByDescending(r => r.Id).FirstOrDefault() is { } run) return (store, run);
        store.Dispose();
        return null;
    }

    /// <summary>DATA/runs/ID with DATA/sbirlab.db: the lab's store and run ID (when the store has it).</summary>
    private static (RunStore, RunRecord)? LabOf(RunFolder folder)
    {
        var runs = Directory.GetParent(folder.Root);
        var data = runs?.Parent;
        if (runs?.Name != "runs" || data is null || !long.TryParse(Path.GetFileName(folder.Root), out long id)) return null;
        if (!File.Exists(Path.Combine(data.FullName, "sbirlab.db"))) return null;
        var store = RunStore.Open(new DataFolder(data.FullName));
        if (store.Find(id) is { } run) return (store, run);
        store.Dispose();
        return null;
    }

    /// <summary>Registers the run of an old-layout folder from its checkpoint: completed when it saved the last epoch, else stopped.</summary>
    private static void Adopt(RunStore store, RunConfig config, CheckpointInfo checkpoint, RunFolder folder)
    {
        var run = store.CreateRunning(config, WorkerIdentity.Current);
        bool completed = checkpoint.Epoch >= config.Training.Epochs && checkpoint.BatchInEpoch == 0;
        var status = completed ? RunStatus.Completed : RunStatus.Stopped;
        string message = "trained before its folder kept a store; history imported from its files";
        store.Finish(run.Id, status, message, new RunOutcome(status, message, checkpoint.Step, checkpoint.Epoch, checkpoint));
        LegacyRunFiles.Import(store, run.Id, folder);
    }
}
