using System.Text.Json;
using Microsoft.AspNetCore.Components;
using Microsoft.Extensions.DependencyInjection;
using MudBlazor.Services;
using SbirLab.Core.Configs;
using SbirLab.Core.Runs;
using SbirLab.Engine.Evaluation;
using SbirLab.Engine.Training;
using SbirLab.Runs;
using SbirLab.Store;
using SbirLab.Store.Accounts;
using SbirLab.Store.Entities;
using SbirLab.Web.Services;
using static TorchSharp.torch;

namespace SbirLab.Web.Tests;

/// <summary>
/// A lab in a temporary data folder with the real store and run service (no training worker), for
/// component and service tests. Runs are seeded through the store's own API, as a worker would record them.
/// </summary>
public sealed class TestLab : IDisposable
{
    public TestLab(TimeSpan? liveInterval = null, int liveUpdatesPerSecond = 40)
    {
        Folder = Path.Combine(Path.GetTempPath(), "sbirlab-web-tests", Guid.NewGuid().ToString("N"));
        Settings = new LabSettings(new DataFolder(Folder), null, RunWorker: false, liveInterval ?? TimeSpan.FromMilliseconds(100), liveUpdatesPerSecond);
        Store = RunStore.Open(Settings.Data);
        Service = new RunService(Store, new RunEventHub());
        Templates = new TemplateCatalog(Settings);
        Reader = new RunReader(Store);
        Sweeps = new SweepService(Service);
    }

    public string Folder { get; }
    public LabSettings Settings { get; }
    public RunStore Store { get; }
    public RunService Service { get; }
    public TemplateCatalog Templates { get; }
    public RunReader Reader { get; }
    public SweepService Sweeps { get; }

    /// <summary>The FashionMNIST triplet template with overrides.</summary>
    public RunConfig Triplet(params string[] overrides) => TemplateCatalog.Instantiate(Templates.Find("fashion-mnist/triplet")!, overrides);

    /// <summary>Registers the lab's services (this lab's store and service) in a bUnit context.</summary>
    public void Register(BunitContext context)
    {
        context.JSInterop.Mode = JSRuntimeMode.Loose;
        var services = context.Services;
        services.AddMudServices();
        services.AddSingleton(Settings);
        services.AddSingleton(Store);
        services.AddSingleton(Service.Events);
        services.AddSingleton(Service);
        services.AddSingleton(Sweeps);
        services.AddSingleton(Templates);
        services.AddSingleton(Reader);
        services.AddSingleton<LiveRunFeeds>();
        services.AddSingleton(sp => new OpenRuns(sp.GetRequiredService<RunStore>()));
        services.AddSingleton(new RunExporter(Store));
        services.AddSingleton<RunAnnotations>();
        services.AddSingleton(new DatabaseWatch(Store, Microsoft.Extensions.Logging.Abstractions.NullLogger<DatabaseWatch>.Instance));
        services.AddSingleton<CompareLoader>();
        services.AddSingleton<EmbeddingMaps>();
        services.AddScoped<ChartScript>();
        services.AddSingleton<SearchService>();
        services.AddCascadingValue(_ => Caller); // what CallerScope hands the pages in the lab
    }

    /// <summary>Who the components of <see cref="Register"/> act for (an admin unless a test says otherwise).</summary>
    public Caller Caller { get; set; } = Caller.DataFolderOwner;

    /// <summary>
    /// Records a finished run as a worker would: claimed, per-epoch figures (<paramref name="maps"/> per epoch,
    /// loss falling), an evaluation when <paramref name="evaluation"/> is given, then completed.
    /// </summary>
    public long CompletedRun(RunConfig config, double[] maps, EvaluationFile? evaluation = null, string? template = "fashion-mnist/triplet", long? team = null)
    {
        long id = Service.Queue(Caller.DataFolderOwner, config, experiment: template, teamId: team);
        return CompleteNextQueued(id, maps, evaluation);
    }

    /// <summary>Claims the oldest queued run (which must be <paramref name="id"/>) and records it as <see cref="CompletedRun"/> does.</summary>
    public long CompleteNextQueued(long id, double[] maps, EvaluationFile? evaluation = null)
    {
        var claimed = Store.ClaimNext(WorkerIdentity.Current) ?? throw new InvalidOperationException("nothing to claim");
        if (claimed.Id != id) throw new InvalidOperationException("claimed another run");
        Store.MarkStarted(id, new RunStart("cpu", 0, 0, maps.Length, 10, maps.Length * 10, 100, "test data"));
        for (int epoch = 0; epoch < maps.Length; epoch++)
        {
            for (int step = epoch * 10; step < (epoch + 1) * 10; step++)
                Store.Writer.AddMetric(id, MetricKind.Step, step, epoch, "loss", 1.0 / (step + 1));
            Store.Writer.AddMetric(id, MetricKind.Epoch, (epoch + 1) * 10, epoch, "map", maps[epoch]);
            Store.Writer.AddMetric(id, MetricKind.Epoch, (epoch + 1) * 10, epoch, "loss", 1.0 / (epoch + 2));
        }
        Store.Writer.Flush();
        if (evaluation is not null) Store.AddEvaluation(id, JsonSerializer.Serialize(evaluation, RunEvaluator.JsonOptions), maps.Length - 1, maps.Length * 10);
        Store.Finish(id, RunStatus.Completed, "completed", new RunOutcome(RunStatus.Completed, "completed", maps.Length * 10, maps.Length, null));
        return id;
    }

    /// <summary>Adds a team to the store; returns its id.</summary>
    public long Team(string name)
    {
        using var db = Store.CreateContext();
        var team = new Team { Name = name, CreatedAt = DateTime.UtcNow };
        db.Teams.Add(team);
        db.SaveChanges();
        return team.Id;
    }

    /// <summary>
    /// A real retrieval report from the engine: 3 classes, 2-D embeddings where class c sits near angle 2πc/3,
    /// one query in three placed on the wrong class's side so the ranked lists mix green and red.
    /// </summary>
    public static EvaluationFile Evaluation(int perClass = 6, int topK = 5)
    {
        var gallery = new List<float>();
        var galleryLabels = new List<long>();
        for (int c = 0; c < 3; c++)
            for (int i = 0; i < perClass; i++)
            {
                double angle = 2 * Math.PI * c / 3 + 0.15 * (i - perClass / 2.0);
                gallery.AddRange([(float)Math.Cos(angle), (float)Math.Sin(angle)]);
                galleryLabels.Add(c);
            }
        var queries = new List<float>();
        var queryLabels = new List<long>();
        for (int c = 0; c < 3; c++)
        {
            double angle = 2 * Math.PI * (c == 2 ? 0.5 : c) / 3; // the class-2 query sits between classes 0 and 1
            queries.AddRange([(float)Math.Cos(angle), (float)Math.Sin(angle)]);
            queryLabels.Add(c);
        }
        using var q = tensor(queries.ToArray(), [queryLabels.Count, 2]);
        using var g = tensor(gallery.ToArray(), [galleryLabels.Count, 2]);
        var report = RetrievalEvaluator.Evaluate(q, queryLabels.ToArray(), g, galleryLabels.ToArray(),
            new RetrievalOptions { PrecisionAtK = [1, 5], TopKHit = [1, 5], ExampleTopK = topK });
        return new EvaluationFile("test-run", 2, "three clusters", ["circle", "square", "triangle"], report);
    }

    /// <summary>
    /// A one-shot report (seed 001) built by the engine's math: 2-way episodes of 4 held-out images (classes 2 and 3),
    /// a pair head right on 3 of 4 episodes and nearest neighbour on 2 of 4, and a known verification ranking.
    /// </summary>
    public static EvaluationFile OneShotEvaluation()
    {
        long[] labels = [2, 2, 3, 3];
        OneShotEpisode[] episodes = [new(0, [1, 2], 0), new(3, [0, 2], 1), new(1, [0, 3], 0), new(2, [1, 3], 1)];
        double[][] pairScores = [[2.0, -1.0], [-0.5, 1.5], [0.3, 0.1], [0.4, -0.2]];
        double[][] nnScores = [[-0.1, -0.4], [-0.3, -0.2], [-0.6, -0.5], [-0.2, -0.7]];
        var verification = Verification.Evaluate([0.9, 0.8, 0.7, 0.6, 0.5, 0.4], [true, false, true, true, false, false]);
        OneShotMethod Method(string name, string key, double[][] scores) =>
            new(name, key, key, [OneShotEpisodes.Accuracy(2, episodes, scores)], verification);
        var examples = episodes.Select((e, i) => new OneShotExample(2, e.Query, labels[e.Query], e.Supports, [.. e.Supports.Select(s => labels[s])],
            pairScores[i], OneShotEpisodes.Choose(pairScores[i]), e.Answer)).ToArray();
        var report = new OneShotReport([2, 3], 4, 1, [Method("pair-head", "pair", pairScores), Method("nearest-neighbour", "nn", nnScores)], examples);
        return new EvaluationFile("koch-test", 1, "two held-out classes", ["t-shirt/top", "trouser", "pullover", "dress"], null, OneShot: report);
    }

    public void Dispose()
    {
        Service.Dispose();
        Store.Dispose();
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        try { Directory.Delete(Folder, recursive: true); }
        catch (IOException) { /* a file still open on a slow machine: the temp folder is cleaned later */ }
    }
}
