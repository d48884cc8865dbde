namespace SbirLab.Core.Runs;

/// <summary>
/// The artifacts of one run on disk (its history, metrics, log, evaluations, maps, provenance and config, lives in the
/// store: the lab's database, or <c>sbirlab.db</c> inside a folder trained with <c>sbirlab train --out</c>):
/// <code>
/// checkpoints/            epoch-NNN.safetensors (+ last.safetensors)
/// pictures/               loss.png, pr-curve.png, recall-ratio.png, ranked-examples.png, ...
/// index/gallery.hnsw      the gallery index (see GalleryIndexBuilder)
/// embeddings/             queries.npy, query-labels.npy, gallery.npy, gallery-labels.npy (on export)
/// </code>
/// The history files (<see cref="Config"/>, <see cref="Provenance"/>, <see cref="StepMetrics"/>, <see cref="EpochMetrics"/>,
/// <see cref="Log"/>, <see cref="Eval"/>) are what an export writes, and what folders written before the store kept the
/// history hold (the store imports them once).
/// </summary>
public sealed class RunFolder(string root)
{
    public string Root { get; } = Path.GetFullPath(root);
    public string Config => Path.Combine(Root, "config.json");
    public string Provenance => Path.Combine(Root, "provenance.json");
    public string StepMetrics => Path.Combine(Root, "metrics-steps.csv");
    public string EpochMetrics => Path.Combine(Root, "metrics-epochs.csv");
    public string Log => Path.Combine(Root, "log.txt");
    public string Checkpoints => Path.Combine(Root, "checkpoints");
    public string Eval => Path.Combine(Root, "eval.json");
    public string Pictures => Path.Combine(Root, "pictures");
    public string Embeddings => Path.Combine(Root, "embeddings");

    /// <summary>The store of a folder trained with <c>sbirlab train --out</c> (SQLite, one run).</summary>
    public string Store => Path.Combine(Root, "sbirlab.db");
    public string LastCheckpoint => Path.Combine(Checkpoints, "last.safetensors");

    public string EpochCheckpoint(int epoch) => Path.Combine(Checkpoints, $"epoch-{epoch:D3}.safetensors");

    public RunFolder Create()
    {
        Directory.CreateDirectory(Root);
        Directory.CreateDirectory(Checkpoints);
        Directory.CreateDirectory(Pictures);
        return this;
    }

    /// <summary>A run folder, or the folder of a checkpoint file inside one.</summary>
    public static RunFolder FromPath(string path)
    {
        if (File.Exists(path))
        {
            var dir = Path.GetDirectoryName(Path.GetFullPath(path))!;
            return new RunFolder(Path.GetFileName(dir) == "checkpoints" ? Path.GetDirectoryName(dir)! : dir);
        }
        return new RunFolder(path);
    }
}
