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
