using SbirLab.Core.Configs;
using SbirLab.Core.Runs;
using SbirLab.Store;
using SbirLab.Store.Accounts;

namespace SbirLab.Runs.Tests;

/// <summary>
/// GPU-aware queues on both providers: a worker claims only runs of the queues it serves whose device kind it offers,
/// runs one run per device, and pins each run to the device of its slot.
/// </summary>
public abstract class WorkerPlacementTests(StoreProvider provider) : IDisposable
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(20);
    private readonly Lazy<TempStore> _temp = new(() => new TempStore(provider: provider));
    private RunService? _service;

    private RunStore Store => _temp.Value.Store;
    private RunService Service => _service ??= new RunService(Store, heartbeatInterval: TimeSpan.FromMilliseconds(100));

    public void Dispose()
    {
        _service?.Dispose();
        if (_temp.IsValueCreated) _temp.Value.Dispose();
    }

    [SkippableFact]
    public void A_claim_for_a_cpu_slot_skips_a_run_that_asks_for_cuda_and_a_cuda_slot_takes_it_pinned()
    {
        long cuda = Queue("needs-gpu", device: "cuda");
        long any = Queue("anywhere");
        var worker = new WorkerIdentity("box", 7, DateTime.UtcNow);

        var onCpu = Store.ClaimNext(worker, filter: new ClaimFilter([Placement.DefaultQueue], WorkerDevice.Cpu));
        Assert.Equal(any, onCpu!.Id); // the older cuda run is passed over
        Assert.Null(Store.ClaimNext(worker, filter: new ClaimFilter([Placement.DefaultQueue], WorkerDevice.Cpu)));

        var onGpu = Store.ClaimNext(worker, filter: new ClaimFilter([Placement.DefaultQueue], new WorkerDevice(DeviceKind.Cuda, 1)));
        Assert.Equal(cuda, onGpu!.Id);
        Assert.Equal("cuda:1", Store.Find(cuda)!.WorkerDevice);
        Assert.Equal("cpu", Store.Find(any)!.WorkerDevice);
        Assert.Equal(("default", "cuda"), (Store.Find(cuda)!.Queue, Store.Find(cuda)!.DeviceKind));
        Assert.Null(Store.Find(any)!.DeviceKind);
    }

    [SkippableFact]
    public async Task A_cpu_worker_trains_the_cpu_and_auto_runs_and_leaves_the_cuda_run_queued()
    {
        long cuda = Queue("needs-gpu", device: "cuda:0");
        long cpu = Queue("cpu-only", device: "cpu");
        long auto = Queue("auto");
        var executor = new ScriptedExecutor(1, 2);

        await RunUntilIdle(executor, new RunWorkerOptions { Devices = [WorkerDevice.Cpu] });

        Assert.Equal(["cpu-only", "auto"], executor.Starts.Select(s => s.Name));
        Assert.All(executor.Configs, c => Assert.Equal("cpu", c.Device)); // pinned to the slot's device
        Assert.Equal(RunStatus.Queued, Store.Find(cuda)!.Status);
        Assert.Equal(RunStatus.Completed, Store.Find(cpu)!.Status);
        Assert.Equal(RunStatus.Completed, Store.Find(auto)!.Status);
    }

    [SkippableFact]
    public async Task A_worker_serves_only_the_queues_it_names()
    {
        long gpu = Queue("big", queue: "gpu-a100");
        long other = Queue("small", queue: "student.cpu");
        long plain = Queue("plain");
        var executor = new ScriptedExecutor(1, 1);

        await RunUntilIdle(executor, new RunWorkerOptions { Queues = ["gpu-a100"] });
        Assert.Equal(["big"], executor.Starts.Select(s => s.Name));
        Assert.Equal(RunStatus.Queued, Store.Find(other)!.Status);
        Assert.Equal(RunStatus.Queued, Store.Find(plain)!.Status);

        await RunUntilIdle(executor, new RunWorkerOptions()); // no --queue: the default queue only
        Assert.Equal(["big", "plain"], executor.Starts.Select(s => s.Name));
        Assert.Equal(RunStatus.Queued, Store.Find(other)!.Status);
        Assert.Equal(RunStatus.Completed, Store.Find(gpu)!.Status);
    }

    [SkippableFact]
    public async Task Two_cpu_slots_train_two_runs_at_once()
    {
        using var both = new Barrier(2);
        var executor = new ScriptedExecutor(1, 2) { AfterStep = (_, step) => { if (step == 0) both.SignalAndWait(Patience); } };
        Queue("a");
        Queue("b");

        await RunUntilIdle(executor, new RunWorkerOptions { Devices = WorkerDevice.ParseList("cpu,cpu") });

        Assert.Equal(2, executor.PeakConcurrency);
    }

    [SkippableFact]
    public async Task Each_gpu_slot_takes_one_run_pinned_to_its_device()
    {
        using var both = new Barrier(2);
        var executor = new ScriptedExecutor(1, 2) { GpuCount = 2, AfterStep = (_, step) => { if (step == 0) both.SignalAndWait(Patience); } };
        long a = Queue("a", device: "cuda");
        long b = Queue("b", device: "cuda");

        await RunUntilIdle(executor, new RunWorkerOptions { Devices = WorkerDevice.ParseList("cuda:0,cuda:1") });

        Assert.Equal(2, executor.PeakConcurrency);
        Assert.Equal(["cuda:0", "cuda:1"], executor.Configs.Select(c => c.Device).Order());
        Assert.Equal(["cuda:0", "cuda:1"], new[] { Store.Find(a)!.WorkerDevice, Store.Find(b)!.WorkerDevice }.Order());
    }

    [SkippableFact]
    public void A_worker_on_a_machine_without_cuda_refuses_cuda_devices()
    {
        var error = Assert.Throws<ArgumentException>(() =>
            new RunWorker(Service, new ScriptedExecutor(1, 1), new RunWorkerOptions { Devices = WorkerDevice.ParseList("cuda:0") }));
        Assert.Contains("no CUDA device", error.Message);
        Assert.Contains("torch.cuda.is_available() is false", error.Message);

        var beyond = Assert.Throws<ArgumentException>(() =>
            new RunWorker(Service, new ScriptedExecutor(1, 1) { GpuCount = 2 }, new RunWorkerOptions { Devices = WorkerDevice.ParseList("cuda:0,cuda:2") }));
        Assert.Contains("cuda:2 not found; torch sees 2 CUDA devices here (cuda:0 to cuda:1)", beyond.Message);
    }

    private long Queue(string name, string device = "auto", string queue = Placement.DefaultQueue) =>
        Service.Queue(Caller.DataFolderOwner, TempStore.Config(name) with { Device = device, Queue = queue });

    private async Task RunUntilIdle(IRunExecutor executor, RunWorkerOptions options)
    {
        using var worker = new RunWorker(Service, executor, options with { ExitWhenIdle = true });
        await worker.StartAsync(CancellationToken.None);
        await worker.ExecuteTask!.WaitAsync(Patience);
    }
}

/// <summary>The suite on the data folder's SQLite file.</summary>
public sealed class SqliteWorkerPlacementTests() : WorkerPlacementTests(StoreProvider.Sqlite);

/// <summary>The suite on PostgreSQL (skipped without a server; see <see cref="TestPostgres"/>).</summary>
public sealed class PostgresWorkerPlacementTests() : WorkerPlacementTests(StoreProvider.Postgres);

/// <summary>Parsing <c>--devices</c> and checking a config's queue.</summary>
public sealed class PlacementParsingTests
{
    [Fact]
    public void Devices_parse_as_cpu_slots_and_distinct_gpus()
    {
        Assert.Equal(["cpu", "cpu"], WorkerDevice.ParseList("cpu, cpu").Select(d => d.Name));
        Assert.Equal(["cuda:0", "cuda:1"], WorkerDevice.ParseList("cuda:0,CUDA:1").Select(d => d.Name));
        Assert.Contains("cuda:0 is named twice", Assert.Throws<ArgumentException>(() => WorkerDevice.ParseList("cuda:0,cuda:0")).Message);
        Assert.Contains("'gpu' is not a device", Assert.Throws<ArgumentException>(() => WorkerDevice.ParseList("gpu")).Message);
        Assert.Contains("'cuda' is not a device", Assert.Throws<ArgumentException>(() => WorkerDevice.ParseList("cuda")).Message);
    }

    [Fact]
    public void A_config_queue_must_be_a_queue_name()
    {
        var errors = ConfigValidator.Validate(new RunConfig { Queue = "GPU box!" });
        var error = Assert.Single(errors);
        Assert.Equal("queue", error.Field);
        Assert.Contains("a queue name", error.Allowed);
        Assert.Empty(ConfigValidator.Validate(new RunConfig { Queue = "gpu-a100.big_1" }));
        Assert.Equal(DeviceKind.Cuda, Placement.KindOf("cuda:3"));
        Assert.Equal(DeviceKind.Cpu, Placement.KindOf("cpu"));
        Assert.Null(Placement.KindOf("auto"));
    }
}
