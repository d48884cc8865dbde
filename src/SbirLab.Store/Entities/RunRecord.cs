using SbirLab.Core.Runs;

namespace SbirLab.Store.Entities;

/// <summary>
/// One run: what it was asked to do (the exact resolved config), where it stands (status, progress,
/// last checkpoint), where and with what it ran (provenance) and who is running it (worker, heartbeat).
/// A resumed run keeps its row and id, so its curves continue; a clone is a new row whose parent is the original.
/// </summary>
public sealed class RunRecord
{
    public long Id { get; set; }
    public string Name { get; set; } = "";
    public long? ExperimentId { get; set; }
    public Experiment? Experiment { get; set; }

    /// <summary>The resolved config as JSON (<c>ConfigJson.Serialize</c>), exactly as the run executes it.</summary>
    public string ConfigJson { get; set; } = "{}";

    public RunStatus Status { get; set; }

    /// <summary>Why the run ended as it did (the error of a failed run, "stopped at step 40", ...).</summary>
    public string? Message { get; set; }

    public DateTime CreatedAt { get; set; }

    /// <summary>When the run last entered the queue; the queue is served oldest first.</summary>
    public DateTime QueuedAt { get; set; }

    public DateTime? StartedAt { get; set; }
    public DateTime? FinishedAt { get; set; }

    /// <summary>Last sign of life from the worker running it (updated about once a second).</summary>
    public DateTime? HeartbeatAt { get; set; }

    /// <summary>Set by a stop request from any process; the worker running the run turns it into cancellation.</summary>
    public bool StopRequested { get; set; }

    /// <summary>How many times a worker has started (or restarted) the run.</summary>
    public int Attempts { get; set; }

    // Progress
    public long Steps { get; set; }
    public long TotalSteps { get; set; }
    public int EpochsCompleted { get; set; }
    public int Epochs { get; set; }

    // Last checkpoint, where a resume starts from
    public string? CheckpointPath { get; set; }
    public int? CheckpointEpoch { get; set; }
    public int? CheckpointBatch { get; set; }
    public long? CheckpointStep { get; set; }

    // Provenance
    public string? Device { get; set; }
    public int Seed { get; set; }
    public string? CodeCommit { get; set; }
    public bool? CodeDirty { get; set; }

    /// <summary>Package versions as a JSON object {"TorchSharp": "0.107.0", ...}.</summary>
    public string? PackageVersions { get; set; }

    /// <summary>Machine that ran the run.</summary>
    public string? Host { get; set; }

    /// <summary>The whole provenance the trainer reported at its last start (<see cref="Core.Runs.RunProvenance.ToJson"/>: device hardware, libtorch, OS too).</summary>
    public string? ProvenanceJson { get; set; }

    // The latest evaluation's headline, kept on the row so that lists (the search page's run picker) need not read evaluations
    /// <summary>Gallery items of the latest retrieval evaluation; null before one (or for a one-shot run).</summary>
    public int? GallerySize { get; set; }

    /// <summary>mAP of the latest retrieval evaluation; null before one (or for a one-shot run).</summary>
    public double? EvaluationMap { get; set; }

    // Worker that holds the run while it is running: a lease it renews with each heartbeat
    /// <summary>The worker's name (<c>--worker-id</c>, else host:pid), unique among the workers of one store.</summary>
    public string? WorkerId { get; set; }

    /// <summary>Until when the worker's claim holds; a run still running past it is taken as orphaned by any process.</summary>
    public DateTime? LeaseExpiresAt { get; set; }

    public string? WorkerHost { get; set; }

    /// <summary>The device of the worker's slot the run was claimed for (<c>cpu</c>, <c>cuda:1</c>): the run is pinned to it.</summary>
    public string? WorkerDevice { get; set; }
    public int? WorkerPid { get; set; }
    public DateTime? WorkerProcessStart { get; set; }

    // Placement (from the config, kept in columns so that a claim can filter on them)
    /// <summary>The queue the run waits in (its config's <c>queue</c>); only workers serving it claim the run.</summary>
    public string Queue { get; set; } = Placement.DefaultQueue;

    /// <summary>The device kind the run needs (<c>cpu</c>, <c>cuda</c>; from its config's <c>device</c>), null for any.</summary>
    public string? DeviceKind { get; set; }

    /// <summary>The run this one was cloned from or initialised from.</summary>
    public long? ParentRunId { get; set; }
    public RunRecord? ParentRun { get; set; }

    /// <summary>Folder of the run's files, relative to the data folder (e.g. <c>runs/12</c>).</summary>
    public string Folder { get; set; } = "";

    /// <summary>The team the run belongs to: its members manage it (see <see cref="Accounts.AccessPolicy"/>).</summary>
    public long TeamId { get; set; } = Team.DefaultId;

    public Team? Team { get; set; }

    /// <summary>When the run was published for public sketch search (visitors without an account may search it); null when not.</summary>
    public DateTime? PublishedAt { get; set; }

    public List<RunTag> Tags { get; set; } = [];
    public List<RunNote> Notes { get; set; } = [];
}
