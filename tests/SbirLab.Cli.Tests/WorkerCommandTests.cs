namespace SbirLab.Cli.Tests;

/// <summary><c>sbirlab worker</c>'s devices and queues, refused before it opens the store when wrong.</summary>
[Collection("cli")]
public class WorkerCommandTests
{
    [SkippableFact]
    public async Task Cuda_devices_are_refused_on_a_machine_without_cuda()
    {
        Skip.If(SbirLab.Engine.TorchRuntime.CudaDeviceCount > 0, "this machine has CUDA: the refusal is for machines without it");
        string data = CliRunner.Temp("worker-cuda");
        var (code, output) = await CliRunner.Run("worker", "--devices", "cuda:0", "--exit-when-idle", "--data", data);
        Assert.Equal(2, code);
        Assert.Contains("--devices cuda:0: this machine has no CUDA device (TorchSharp's torch.cuda.is_available() is false); use --devices cpu", output);
        Assert.False(File.Exists(Path.Combine(data, "sbirlab.db"))); // refused before anything was opened
    }

    [Fact]
    public async Task Wrong_devices_and_queue_names_are_refused_with_what_is_allowed()
    {
        string data = CliRunner.Temp("worker-options");
        var gpu = await CliRunner.Run("worker", "--devices", "gpu0", "--data", data);
        Assert.Equal(2, gpu.ExitCode);
        Assert.Contains("'gpu0' is not a device; a comma-separated list of cpu and cuda:N", gpu.Output);

        var queue = await CliRunner.Run("worker", "--queue", "Big GPUs", "--data", data);
        Assert.Equal(2, queue.ExitCode);
        Assert.Contains("--queue Big GPUs: a queue name: 1 to 40 characters of a-z, 0-9", queue.Output);

        var both = await CliRunner.Run("worker", "--devices", "cpu", "--concurrency", "2", "--data", data);
        Assert.Equal(2, both.ExitCode);
        Assert.Contains("give one (--devices cpu,cpu trains two runs at once on the CPU)", both.Output);
    }
}

/// <summary>A worker with <c>--artifacts</c> writes the run's folder there, not in the data folder.</summary>
[Collection("cli")]
public class WorkerArtifactsTests
{
    [Fact]
    public async Task A_worker_with_artifacts_writes_checkpoints_pictures_and_reports_under_that_root()
    {
        string data = CliRunner.Temp("artifacts-data");
        string artifacts = CliRunner.Temp("artifacts-shared");
        string template = Path.Combine(RepoPaths.Root, "experiments", "fashion-mnist", "triplet.json");
        var queued = await CliRunner.Run("queue", template, "--data", data, "--artifacts", artifacts,
            "--set", "training.epochs=1", "--set", "training.maxStepsPerEpoch=3", "--set", "data.trainLimit=300", "--set", "batch.size=20",
            "--set", "evaluation.perClass=3", "--set", "evaluation.queries=6", "--set", "evaluation.precisionAtK=[1]", "--set", "data.workers=0");
        Assert.True(queued.ExitCode == 0, queued.Output);

        var worker = await CliRunner.Run("worker", "--exit-when-idle", "--devices", "cpu", "--data", data, "--artifacts", artifacts);
        Assert.True(worker.ExitCode == 0, worker.Output);
        Assert.Contains($"artifacts {artifacts}", worker.Output.ReplaceLineEndings(""));

        string run = Path.Combine(artifacts, "runs", "1");
        foreach (var file in new[] { "index/gallery.hnsw", "checkpoints/last.safetensors", "pictures/loss.png" })
            Assert.True(File.Exists(Path.Combine(run, file)), file + " missing under the artifact root");
        Assert.False(Directory.Exists(Path.Combine(data, "runs", "1")));
        Assert.True(File.Exists(Path.Combine(data, "sbirlab.db"))); // the database stays in the data folder
        Assert.Empty(Directory.GetFiles(run, "*.partial", SearchOption.AllDirectories)); // every write was renamed into place

        var shown = await CliRunner.Run("runs", "show", "1", "--data", data, "--artifacts", artifacts);
        Assert.Contains("completed", shown.Output);
        Assert.Contains(run, shown.Output.ReplaceLineEndings(""));
    }
}

/// <summary>A run the worker refuses at the start boundary still shows, in <c>sbirlab runs show</c>, where it ran.</summary>
[Collection("cli")]
public class WorkerEarlyFailureTests
{
    [Fact]
    public async Task A_run_whose_data_folder_was_removed_after_queueing_fails_naming_it_and_runs_show_gives_its_host_and_commit()
    {
        string data = CliRunner.Temp("worker-data-gone");
        string[] folders = ["sketches", "photos", "queries", "gallery"];
        foreach (var folder in folders) Directory.CreateDirectory(Path.Combine(data, "datasets", folder));
        string config = Path.Combine(data, "folders.json");
        File.WriteAllText(config, """
            { "name": "gone", "data": { "dataset": "folders", "trainSketches": "datasets/sketches", "trainPhotos": "datasets/photos",
                                        "evalQueries": "datasets/queries", "evalGallery": "datasets/gallery" } }
            """);
        var queued = await CliRunner.Run("queue", config, "--data", data);
        Assert.True(queued.ExitCode == 0, queued.Output);
        Directory.Delete(Path.Combine(data, "datasets", "photos")); // moved away before a worker starts the run

        var worker = await CliRunner.Run("worker", "--exit-when-idle", "--devices", "cpu", "--data", data);
        Assert.True(worker.ExitCode == 0, worker.Output);

        var shown = (await CliRunner.Run("runs", "show", "1", "--data", data)).Output.ReplaceLineEndings("");
        Assert.Contains("failed", shown);
        Assert.Contains("config rejected: data.trainPhotos = \"datasets/photos\"", shown);
        var provenance = SbirLab.Core.Runs.RunProvenance.Capture();
        Assert.Matches($@"host\s+{System.Text.RegularExpressions.Regex.Escape(Environment.MachineName)}", shown);
        if (provenance.CodeCommit is { } commit) Assert.Matches($@"code\s+{commit}", shown);
        Assert.Contains("Microsoft.EntityFrameworkCore", shown); // the packages line
    }
}
