namespace SbirLab.Core.Runs;

/// <summary>
/// The files of one run on disk:
/// <code>
/// config.json             the resolved config the run used
/// provenance.json         code commit, seed, package versions, device, host
/// metrics-steps.csv       step,epoch,name,value per logged step
/// metrics-epochs.csv      epoch,step,name,value per epoch
/// log.txt                 the run's log
/// checkpoints/            epoch-NNN.safetensors (+ last.safetensors)
/// eval.json               the final retrieval report
/// pictures/               loss.png, pr-curve.png, recall-ratio.png, ranked-examples.png, ...
/// embeddings/             queries.npy, query-labels.npy, gallery.npy, gallery-labels.npy (on export)
/// </code>
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
